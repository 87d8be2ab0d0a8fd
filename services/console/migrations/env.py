"""Alembic environment of the console service (driven by shared.db.migrate)."""

from services.console.models import Base
from shared.db.migrate import run_migrations_online

run_migrations_online(Base.metadata)
