"""Alembic environment of the identity service (driven by shared.db.migrate)."""

from services.identity.models import Base
from shared.db.migrate import run_migrations_online

run_migrations_online(Base.metadata)
