"""Alembic environment of the content service (driven by shared.db.migrate)."""

from services.content.models import Base
from shared.db.migrate import run_migrations_online

run_migrations_online(Base.metadata)
