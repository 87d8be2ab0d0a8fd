"""A service's database: the async engine for SQLite or PostgreSQL, its sessions and its kind of transaction."""

from __future__ import annotations

from pathlib import Path

import orjson
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from shared.db import sqlite_inloop
from shared.db.checkpoints import CHECKPOINTS, FALLBACK_PAGES
from shared.db.transaction import Transaction
from shared.tenancy import install_tenant_guard


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


class Database:
    """One service's database, opened by its composition root and disposed when the service stops: the engine,
    the session factory (tenant guard installed) and the `Transaction` its units of work run on."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.engine = create_engine(url, echo=echo)
        install_tenant_guard()
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        inline = self.engine.dialect.driver == sqlite_inloop.SQLiteDialect_inloop.driver
        self.transaction: type[Transaction] = sqlite_inloop.InlineTransaction if inline else Transaction

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def ready(self) -> bool:
        """The readiness probe: the database answers a statement."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """One engine per service database; SQLite gets one connection so writers never see SQLITE_BUSY."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # Any sqlite URL runs on the in-loop driver (see shared.db.sqlite_inloop for why).
        sqlite_inloop.register()
        url = make_url(url).set(drivername="sqlite+inloop")
        # One connection serialises transactions inside the process; SQLite allows one writer anyway,
        # and WAL keeps each commit cheap. Long work must not hold a session across awaits on others.
        engine = create_async_engine(
            url, echo=echo, poolclass=AsyncAdaptedQueuePool, pool_size=1, max_overflow=0, pool_timeout=60, **_JSON
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, echo=echo, pool_size=10, max_overflow=10, pool_pre_ping=True, **_JSON)


def _json_text(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


# JSON columns (a revision's content, a search entry's snapshot: whole documents) through orjson, not the json
# module: during an import, encoding and decoding them took 4% of the event loop. Chinese is stored as UTF-8.
_JSON = {"json_serializer": _json_text, "json_deserializer": orjson.loads}


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # The busy timeout blocks the loop only if another process holds the write lock (e.g. a CLI command).
    # Checkpoints run on their own thread (shared.db.checkpoints); a commit checkpoints only if it falls behind.
    pragmas = ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=2000",
               f"wal_autocheckpoint={FALLBACK_PAGES}")  # fmt: skip
    for pragma in pragmas:
        cursor.execute(f"PRAGMA {pragma}")
    cursor.execute("PRAGMA database_list")
    for _, name, path in cursor.fetchall():
        if name == "main" and path:  # a file, not `:memory:`
            CHECKPOINTS.watch(path)
    cursor.close()
