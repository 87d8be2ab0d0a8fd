"""Alembic, driven from code: each service keeps its own migrations and its own version table."""

from __future__ import annotations

from collections.abc import Callable
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

    async def downgrade(self, url: str, revision: str) -> None:
        """Take the database at `url` back to `revision` (a rollback of a release; the tests of migrations)."""
        await _migrate(
            url, lambda config: command.downgrade(config, revision), self.script_location, self.version_table
        )


def alembic_config(script_location: Path, version_table: str, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["version_table"] = version_table
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade_database(url: str, script_location: Path, version_table: str, revision: str = "head") -> None:
    """Bring one service database to `revision` (idempotent; safe on every start)."""
    await _migrate(url, lambda config: command.upgrade(config, revision), script_location, version_table)


async def _migrate(url: str, step: Callable[[Config], None], script_location: Path, version_table: str) -> None:
    """Run one Alembic command in one transaction. On SQLite a change of a table's columns recreates the table,
    and dropping a table other rows refer to is refused while foreign keys are enforced: they are off for the
    migration (the pragma only takes effect outside a transaction), checked once it has run, and on again."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                await conn.commit()  # the driver began no transaction for a pragma: this ends SQLAlchemy's only
            async with conn.begin():
                await conn.run_sync(lambda sync: step(alembic_config(script_location, version_table, sync)))
                if sqlite and (broken := (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()):
                    raise RuntimeError(f"the migration left rows referring to nothing: {broken[:5]}")
            if sqlite:
                await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                await conn.commit()
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
    step = lambda config: command.revision(config, message=message, autogenerate=True)  # noqa: E731
    await _migrate(url, step, script_location, version_table)
