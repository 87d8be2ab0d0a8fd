"""Alembic environment of the render service (driven by shared.db.migrate)."""

from services.render.models import Base
from shared.db.migrate import run_migrations_online

run_migrations_online(Base.metadata)
