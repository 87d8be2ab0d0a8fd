"""Alembic environment of the migration service (driven by shared.db.migrate)."""

from services.transition.models import Base
from shared.db.migrate import run_migrations_online

run_migrations_online(Base.metadata)
