"""Many rows of a plain INSERT on the in-loop driver: stored exactly as SQLAlchemy's own executemany stores them
(every type's bind processing, the columns' Python defaults), and every statement the fast way cannot take —
RETURNING, a value fixed in the statement, a default that reads its context, rows naming different columns — left
to SQLAlchemy, with SQLAlchemy's answers and errors."""

from __future__ import annotations

import enum
import itertools
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import Boolean, Column, Date, Enum, Integer, MetaData, String, Table, Text, insert, select
from sqlalchemy.exc import StatementError

from shared.db.engine import Database
from shared.db.sqlite_bulk import bulk_insert
from shared.db.types import BigId, Json, UtcDateTime
from shared.db.uow import UnitOfWork
from shared.tenancy import PLATFORM
from shared.tests.support import sqlite_database

pytestmark = pytest.mark.embedded_only  # the in-loop driver's own path

BEIJING = timezone(timedelta(hours=8))
STAMP = datetime(2026, 12, 7, 8, 30, 15, 123456, tzinfo=UTC)


class State(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


metadata = MetaData()
_numbers = {"next": itertools.count(1)}


def _next_number() -> int:
    return next(_numbers["next"])


def _columns() -> list[Column]:
    return [
        Column("id", BigId, primary_key=True),
        Column("site_id", String(64), nullable=False),
        Column("title", Text, nullable=False),
        Column("state", Enum(State), nullable=False, default=State.DRAFT),
        Column("on_home", Boolean, nullable=False, default=False),
        Column("written_on", Date),
        Column("published_at", UtcDateTime),
        Column("facts", Json, nullable=False, default=dict),
        Column("keywords", Json, nullable=False, default=list),
        Column("created_at", UtcDateTime, nullable=False, default=lambda: STAMP),
        Column("sequence", Integer, nullable=False, default=_next_number),
        Column("note", String(20), server_default="迁移"),
    ]


fast = Table("fast", metadata, *_columns())
usual = Table("usual", metadata, *_columns())
with_context = Table(
    "with_context", metadata, Column("id", Integer, primary_key=True),
    Column("title", Text), Column("copy", Text, default=lambda context: context.get_current_parameters()["title"]),
)  # fmt: skip


@pytest_asyncio.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    async with sqlite_database(tmp_path / "bulk.db", metadata) as database:
        yield database


def _rows() -> list[dict]:
    return [
        {
            "site_id": "hefei", "title": f"合肥市第{i}批政府信息公开目录更新公告",
            "written_on": date(2026, 3, 2) if i % 2 else None,
            "published_at": datetime(2026, 3, 5, 9, 30, tzinfo=BEIJING) if i % 3 else None,
            "facts": {"索引号": f"11340100MB1952105D/2026-{i:05d}", "有效性": "有效"}, "on_home": i % 4 == 0,
        }
        for i in range(1, 121)
    ]  # fmt: skip


def _stored(database: Database, table: str) -> list[tuple]:
    path = database.engine.url.database
    with sqlite3.connect(path) as raw:
        return raw.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()


async def test_rows_are_stored_as_sqlalchemy_stores_them(database: Database) -> None:
    assert bulk_insert(insert(fast), _rows(), database.engine.sync_engine.dialect) is not None
    async with UnitOfWork(database, scope=PLATFORM) as uow:  # the unit of work's inline transaction: the fast way
        await uow.execute(insert(fast), _rows())
        await uow.commit()
    _numbers["next"] = itertools.count(1)  # the same defaults for the second way
    async with database.engine.begin() as conn:  # AsyncConnection: SQLAlchemy's own executemany
        await conn.execute(insert(usual), _rows())
    stored_fast, stored_usual = _stored(database, "fast"), _stored(database, "usual")
    assert len(stored_fast) == 120 and stored_fast == stored_usual
    first = stored_fast[0]
    assert first[3] == "DRAFT" and first[7] == '{"索引号":"11340100MB1952105D/2026-00001","有效性":"有效"}'
    assert first[6] == "2026-03-05 01:30:00.000000" and first[9] == "2026-12-07 08:30:15.123456"
    assert [row[10] for row in stored_fast[:3]] == [1, 2, 3] and first[11] == "迁移"


async def test_what_the_fast_way_cannot_take_goes_through_sqlalchemy(database: Database) -> None:
    dialect = database.engine.sync_engine.dialect
    rows = _rows()[:3]
    assert bulk_insert(insert(fast).returning(fast.c.id), rows, dialect) is None
    assert bulk_insert(insert(fast).values(site_id="wuhu"), [{"title": "芜湖"}], dialect) is None
    assert bulk_insert(insert(with_context), [{"title": "带上下文的默认值"}], dialect) is None
    assert bulk_insert(insert(fast), [rows[0], {"site_id": "hefei", "title": "少了几列"}], dialect) is None
    async with UnitOfWork(database, scope=PLATFORM) as uow:
        ids = (await uow.execute(insert(fast).returning(fast.c.id), rows)).scalars().all()
        await uow.execute(insert(with_context), [{"id": 1, "title": "通知"}, {"id": 2, "title": "公告"}])
        copies = (await uow.execute(select(with_context.c.copy).order_by(with_context.c.id))).scalars().all()
        with pytest.raises(StatementError, match="A value is required for bind parameter 'title'"):
            await uow.execute(insert(fast), [{"site_id": "hefei", "title": "有标题"}, {"site_id": "hefei"}])
    assert sorted(ids) == [1, 2, 3] and copies == ["通知", "公告"]
