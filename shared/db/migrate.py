"""Alembic, driven from code: each service keeps its own migrations and its own version table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from shared.db.engine import create_engine


@dataclass(frozen=True, slots=True)
class Schema:
    """A service's migrations: where they are, and the table that records which have run in its database."""

    service: str
    script_location: Path

    @property
    def version_table(self) -> str:
        return f"alembic_version_{self.service}"

    async def upgrade(self, url: str, revision: str = "head") -> None:
        """Bring the database at `url` to `revision` (idempotent; safe on every start)."""
        await upgrade_database(url, self.script_location, self.version_table, revision)


def alembic_config(script_location: Path, version_table: str, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["version_table"] = version_table
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade_database(url: str, script_location: Path, version_table: str, revision: str = "head") -> None:
    """Bring one service database to `revision` (idempotent; safe on every start)."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(
                lambda sync_conn: command.upgrade(alembic_config(script_location, version_table, sync_conn), revision)
            )
    finally:
        await engine.dispose()


def run_migrations_online(target_metadata: object) -> None:
    """Body of every service's migrations/env.py: migrate on the connection handed over by upgrade_database."""
    from alembic import context

    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table=context.config.attributes["version_table"],
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def autogenerate_revision(url: str, script_location: Path, version_table: str, message: str) -> None:
    """Write a new migration from the difference between the models and a database at head."""
    await upgrade_database(url, script_location, version_table)
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(
                lambda sync_conn: command.revision(
                    alembic_config(script_location, version_table, sync_conn), message=message, autogenerate=True
                )
            )
    finally:
        await engine.dispose()
