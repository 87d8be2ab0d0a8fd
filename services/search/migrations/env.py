"""Alembic environment of the search service (driven by shared.db.migrate)."""

from services.search.models import Base
from shared.db.migrate import run_migrations_online

run_migrations_online(Base.metadata)
