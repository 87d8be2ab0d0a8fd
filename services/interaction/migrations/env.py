"""Alembic environment of the interaction service (driven by shared.db.migrate)."""

from services.interaction.models import Base
from shared.db.migrate import run_migrations_online

run_migrations_online(Base.metadata)
