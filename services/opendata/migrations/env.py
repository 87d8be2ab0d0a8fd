"""Alembic environment of the open-data portal (driven by shared.db.migrate)."""

from services.opendata.models import Base
from shared.db.migrate import run_migrations_online

run_migrations_online(Base.metadata)
