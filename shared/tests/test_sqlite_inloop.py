"""The in-loop SQLite driver on its own: errors mapped as SQLAlchemy maps them, executemany, rollback, and the
same answers whether a statement runs inside SQLAlchemy's greenlet (AsyncConnection) or outside it (the unit of
work's inline transaction)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import pytest_asyncio
import sqlalchemy
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from shared.config import sqlite_url
from shared.db import sqlite_inloop
from shared.db.engine import Database
from shared.db.transaction import Transaction
from shared.db.uow import UnitOfWork
from shared.tenancy import PLATFORM
from shared.tests.support import sqlite_database

pytestmark = pytest.mark.embedded_only  # the driver of the embedded backend

metadata = MetaData()
notes = Table("notes", metadata, Column("id", Integer, primary_key=True), Column("title", String(40), unique=True))
Run = Callable[[object, object], Awaitable[sqlalchemy.Result]]


def test_built_for_the_installed_sqlalchemy() -> None:
    assert sqlalchemy.__version__ == sqlite_inloop.BUILT_FOR_SQLALCHEMY, (
        f"SQLAlchemy is {sqlalchemy.__version__}; shared/db/sqlite_inloop.py subclasses its internals as "
        f"{sqlite_inloop.BUILT_FOR_SQLALCHEMY} has them. Read what changed in the aiosqlite dialect's adapters and "
        "sqlalchemy.util.concurrency, run these tests, then move BUILT_FOR_SQLALCHEMY."
    )


def test_the_dialect_is_registered_when_an_engine_is_created_not_on_import(tmp_path: Path) -> None:
    script = f"""
import asyncio
from sqlalchemy.dialects import registry
from sqlalchemy.exc import NoSuchModuleError
import shared.db.engine
try:
    registry.load("sqlite.inloop")
    print("registered on import")
except NoSuchModuleError:
    database = shared.db.engine.Database("sqlite+aiosqlite:///{tmp_path / "probe.db"}")
    print(database.engine.dialect.driver, registry.load("sqlite.inloop").__name__)
    asyncio.run(database.dispose())
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["inloop", "SQLiteDialect_inloop"]


def test_a_database_runs_its_units_of_work_on_the_transaction_of_its_driver(tmp_path: Path) -> None:
    embedded = Database(sqlite_url(tmp_path / "t.db"))
    assert embedded.transaction is sqlite_inloop.InlineTransaction
    assert Database("postgresql+asyncpg://postgres@127.0.0.1:1/none").transaction is Transaction  # not connected


@pytest_asyncio.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    async with sqlite_database(tmp_path / "inloop.db", metadata) as database:
        yield database


@pytest.fixture(params=["in a greenlet", "inline"])
def way(request: pytest.FixtureRequest) -> str:
    return request.param


async def _in_a_greenlet(database: Database, body: Callable[[Run], Awaitable[None]], *, commit: bool) -> None:
    """AsyncConnection.execute: SQLAlchemy runs the statement in a greenlet, the driver awaits once there."""
    async with database.engine.connect() as conn:
        await body(conn.execute)
        await (conn.commit() if commit else conn.rollback())


async def _inline(database: Database, body: Callable[[Run], Awaitable[None]], *, commit: bool) -> None:
    """A unit of work on this driver: statements on the sync connection, outside any greenlet."""
    async with UnitOfWork(database, scope=PLATFORM) as uow:
        assert isinstance(uow._transaction, sqlite_inloop.InlineTransaction)
        await body(uow.execute)
        await (uow.commit() if commit else uow.rollback())


async def run(way: str, database: Database, body: Callable[[Run], Awaitable[None]], *, commit: bool = True) -> None:
    await (_in_a_greenlet if way == "in a greenlet" else _inline)(database, body, commit=commit)


async def count(database: Database) -> int:
    async with database.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(notes))).scalar_one()


async def test_executemany_inserts_every_row_and_selects_read_them_back(database: Database, way: str) -> None:
    rows = [{"id": i, "title": f"第{i}号通知"} for i in range(1, 301)]
    fetched: list = []

    async def body(execute: Run) -> None:
        await execute(insert(notes), rows)
        result = await execute(select(notes.c.title).order_by(notes.c.id), None)
        fetched.extend(result.scalars().all())

    await run(way, database, body)
    assert len(fetched) == 300 and fetched[0] == "第1号通知" and fetched[-1] == "第300号通知"
    assert await count(database) == 300


async def test_a_rollback_keeps_nothing(database: Database, way: str) -> None:
    async def body(execute: Run) -> None:
        await execute(insert(notes), [{"id": 1, "title": "撤回的草稿"}])
        assert (await execute(select(func.count()).select_from(notes), None)).scalar_one() == 1

    await run(way, database, body, commit=False)
    assert await count(database) == 0


async def test_a_constraint_violation_is_sqlalchemy_s_integrity_error(database: Database, way: str) -> None:
    async def body(execute: Run) -> None:
        await execute(insert(notes), [{"id": 1, "title": "重复的标题"}])
        with pytest.raises(IntegrityError, match=r"UNIQUE constraint failed: notes\.title"):
            await execute(insert(notes), [{"id": 2, "title": "重复的标题"}])

    await run(way, database, body, commit=False)


async def test_a_bad_statement_is_sqlalchemy_s_operational_error(database: Database, way: str) -> None:
    async def body(execute: Run) -> None:
        with pytest.raises(OperationalError, match="no such table: missing"):
            await execute(text("SELECT * FROM missing"), None)

    await run(way, database, body, commit=False)


async def test_a_failed_statement_leaves_the_transaction_usable_and_the_connection_to_the_next(database) -> None:
    async with UnitOfWork(database, scope=PLATFORM) as uow:
        await uow.execute(insert(notes), [{"id": 1, "title": "第一条"}])
        with pytest.raises(IntegrityError):
            await uow.execute(insert(notes), [{"id": 1, "title": "冲突"}])
        await uow.execute(insert(notes), [{"id": 2, "title": "第二条"}])
        await uow.commit()
    async with UnitOfWork(database, scope=PLATFORM) as uow:  # the pool's one connection came back clean
        titles = (await uow.execute(select(notes.c.title).order_by(notes.c.id))).scalars().all()
    assert titles == ["第一条", "第二条"]
