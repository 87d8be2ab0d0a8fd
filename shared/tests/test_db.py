"""Database plumbing: aware UTC datetimes on both backends, SQLite pragmas, migrations, the unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects.sqlite import DATETIME, dialect
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from shared.clock import china_time
from shared.config import sqlite_url
from shared.db.engine import create_engine, is_sqlite
from shared.db.migrate import upgrade_database
from shared.db.types import UtcDateTime
from shared.db.uow import UnitOfWork
from shared.tenancy import PLATFORM, site_scope
from shared.tests.support import Base, Category, Document, Stamp

CST = timezone(timedelta(hours=8))


async def test_utc_datetime_comes_back_aware_in_utc(engine: AsyncEngine, sessions: async_sessionmaker) -> None:
    moment = datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=CST)  # 合肥 time
    async with sessions() as session:
        new_year = datetime(2026, 1, 1, tzinfo=UTC)
        session.add_all([Stamp(id=1, at=moment), Stamp(id=2, at=new_year), Stamp(id=3, at=None)])
        await session.commit()
    async with sessions() as session:
        stamps = {s.id: s.at for s in await session.scalars(select(Stamp))}
    assert stamps[1] == moment and stamps[1].utcoffset() == timedelta(0) and stamps[1].tzinfo is not None
    assert stamps[1].hour == 1 and china_time(stamps[1]).hour == 9
    assert stamps[2] == datetime(2026, 1, 1, tzinfo=UTC) and stamps[3] is None
    async with sessions() as session:  # comparisons bind through the type as well
        later = await session.scalars(select(Stamp.id).where(Stamp.at > datetime(2026, 11, 2, 1, 0, tzinfo=UTC)))
        assert list(later) == [1]


def test_utc_datetime_binds_on_sqlite_the_text_sqlalchemy_would_store() -> None:
    """The one-step bind keeps SQLite's stored text (compared as text in every range query) what it was."""
    fast, generic = UtcDateTime().bind_processor(dialect()), DATETIME().bind_processor(dialect())
    moments = [
        datetime(2026, 11, 2, 9, 30, 15, 123456, tzinfo=CST),
        datetime(2024, 1, 1, tzinfo=UTC),
        datetime(999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 12, 31, 20, 0, 0, 1, tzinfo=CST),
    ]
    assert [fast(m) for m in moments] == [generic(m.astimezone(UTC)) for m in moments]
    assert fast(moments[0]) == "2026-11-02 01:30:15.123456" and fast(None) is None
    with pytest.raises(ValueError, match="naive datetime"):
        fast(datetime(2026, 11, 2, 9, 30))


async def test_utc_datetime_refuses_naive_datetimes(sessions: async_sessionmaker) -> None:
    async with sessions() as session:
        session.add(Stamp(id=1, at=datetime(2026, 11, 2, 9, 30)))
        with pytest.raises(StatementError, match="naive datetime"):
            await session.commit()


@pytest.mark.embedded_only
async def test_sqlite_engines_use_wal_and_enforce_foreign_keys(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "not" / "yet" / "there.db")
    assert is_sqlite(url) and not is_sqlite("postgresql+asyncpg://u@h/db")
    engine = create_engine(url)
    try:
        assert (tmp_path / "not" / "yet").is_dir()  # the folder is made for the file
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 2000
            await conn.run_sync(Base.metadata.create_all)
            await conn.commit()
        assert engine.pool.size() == 1
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            async with engine.begin() as conn:
                orphan = Document.__table__.insert().values(id=1, site_id="hefei", title="孤儿", category_id=99)
                await conn.execute(orphan)
    finally:
        await engine.dispose()


MIGRATION_ENV = """
from shared.db.migrate import run_migrations_online
run_migrations_online(None)
"""

MIGRATION_0001 = """
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade():
    op.create_table("t_migrated", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(40)))
    op.execute("INSERT INTO t_migrated (id, name) VALUES (1, '初始数据')")


def downgrade():
    op.drop_table("t_migrated")
"""


async def test_upgrade_database_is_idempotent_and_keeps_its_own_version_table(db_url: str, tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    (migrations / "versions").mkdir(parents=True)
    (migrations / "env.py").write_text(MIGRATION_ENV)
    (migrations / "versions" / "0001_first.py").write_text(MIGRATION_0001)
    await upgrade_database(db_url, migrations, "alembic_version_tests")
    await upgrade_database(db_url, migrations, "alembic_version_tests")  # every start runs it: nothing happens twice
    engine = create_engine(db_url)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT version_num FROM alembic_version_tests"))).scalar() == "0001"
            assert (await conn.execute(text("SELECT name FROM t_migrated"))).all() == [("初始数据",)]
    finally:
        await engine.dispose()


async def test_a_unit_of_work_keeps_nothing_without_commit_and_results_stay_readable(database) -> None:
    async with database.sessions() as session:
        session.info["tenant_scope"] = PLATFORM
        session.add(Category(id=1, name="政务公开"))
        await session.commit()
    async with UnitOfWork(database, scope=site_scope("hefei")) as work:
        work.session.add(Document(id=1, site_id="hefei", title="草稿", category_id=1))
    async with UnitOfWork(database, scope=site_scope("hefei")) as work:
        assert await work.session.get(Document, 1) is None
        work.session.add(Document(id=2, site_id="hefei", title="正式稿", category_id=1))
        await work.commit()
        saved = await work.session.get(Document, 2)
    assert saved.title == "正式稿"  # readable after the block: nothing was expired
    async with UnitOfWork(database, scope=site_scope("wuhu")) as work:
        assert await work.session.get(Document, 2) is None  # the scope is the unit of work's
