"""An async SQLite driver for SQLAlchemy that runs each statement on the event loop's own thread.

aiosqlite hands every statement to a worker thread and back, which costs ~70 µs while SQLite itself
answers in a few µs (and, in WAL mode with synchronous=NORMAL, commits without an fsync). It also
lets other coroutines run in the middle of a transaction that holds the process's one connection,
which stretches every transaction by other requests' CPU time. Run inline, a transaction runs from
start to commit without yielding, so it holds the connection only as long as it works.

The embedded mode has one process and one SQLite file per service, so blocking the loop for the
few microseconds of a statement is cheaper than any hand-off. Used for every `sqlite` URL by
shared.db.engine (which registers the dialect when it creates such an engine); PostgreSQL keeps asyncpg.

Built on SQLAlchemy's internals, for the version in BUILT_FOR_SQLALCHEMY: it subclasses the aiosqlite
dialect's adapters (`SQLiteDialect_aiosqlite`, `AsyncAdapt_aiosqlite_connection`, `AsyncAdapt_aiosqlite_dbapi`,
`AsyncAdapt_dbapi_cursor` and the private attributes their methods use: `_connection`, `_cursor`, `_rows`,
`_soft_closed_memoized`, `_handle_exception`, `_cursor_cls`) and drives coroutines with
`sqlalchemy.util.concurrency.await_` / `in_greenlet`. shared/tests/test_sqlite_inloop.py fails when the installed
SQLAlchemy is another version: read the changes to those classes, run the driver's tests, then move the pin.
"""

from __future__ import annotations

import collections
import sqlite3
import types
from typing import Any

from sqlalchemy import Executable, Result
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_cursor
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.util.concurrency import await_, in_greenlet

from shared.db.sqlite_bulk import bulk_insert
from shared.db.transaction import Params, Transaction

BUILT_FOR_SQLALCHEMY = "2.1.9"


class Cursor:
    """The awaitable cursor interface SQLAlchemy's adapter expects, answered synchronously."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, seq_of_parameters: Any) -> Cursor:
        self._cursor.executemany(sql, seq_of_parameters)
        return self

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size or self._cursor.arraysize)

    async def close(self) -> None:
        self._cursor.close()


class Connection:
    """Opened by awaiting it, as aiosqlite's connect() result is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._args, self._kwargs = args, kwargs
        self._conn: sqlite3.Connection | None = None
        self._thread = types.SimpleNamespace(daemon=True)  # SQLAlchemy marks aiosqlite's thread as daemon

    def __await__(self):  # noqa: ANN204 - the awaitable protocol
        return self._open().__await__()

    async def _open(self) -> Connection:
        self._conn = sqlite3.connect(*self._args, **{**self._kwargs, "check_same_thread": False})
        return self

    @property
    def _connection(self) -> sqlite3.Connection | None:
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> Cursor:
        return Cursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


_module = types.SimpleNamespace(
    connect=Connection,
    Connection=Connection,
    DatabaseError=sqlite3.DatabaseError,
    Error=sqlite3.Error,
    IntegrityError=sqlite3.IntegrityError,
    NotSupportedError=sqlite3.NotSupportedError,
    OperationalError=sqlite3.OperationalError,
    ProgrammingError=sqlite3.ProgrammingError,
    sqlite_version=sqlite3.sqlite_version,
    sqlite_version_info=sqlite3.sqlite_version_info,
)


class InloopCursor(AsyncAdapt_dbapi_cursor):
    """SQLAlchemy's adapted cursor, answered straight from sqlite3.

    The generic adapter awaits each step (open, execute under an asyncio lock, fetch, close): three
    greenlet hops and a lock per statement, for coroutines that never suspend here. One hop does it:
    nothing can interleave within a statement, since nothing in it yields.
    """

    __slots__ = ("_description",)

    def __init__(self, adapt_connection: InloopConnection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = self._connection._conn.cursor()
        self._soft_closed_memoized = {}
        self._rows = collections.deque()
        self._description = None

    @property
    def description(self) -> Any:
        return self._description

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            _finish(self._execute_now(operation, () if parameters is None else parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _execute_now(self, operation: Any, parameters: Any) -> None:
        self._cursor.execute(operation, parameters)
        self._description = self._cursor.description
        if self._description:
            self._rows = collections.deque(self._cursor.fetchall())

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            _finish(self._executemany_now(operation, seq_of_parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _executemany_now(self, operation: Any, seq_of_parameters: Any) -> None:
        self._cursor.executemany(operation, seq_of_parameters)
        self._description = self._cursor.description

    async def _async_soft_close(self) -> None:
        self._cursor.close()  # the rows are already fetched; the description is kept

    def close(self) -> None:
        self._rows.clear()
        self._cursor.close()


def _finish(step: Any) -> None:
    """Run a statement's coroutine, which never suspends: awaited once inside SQLAlchemy's greenlets (its
    async engine insists that a statement awaited something), driven to its end directly outside them."""
    if in_greenlet():
        await_(step)
        return
    try:
        step.send(None)
    except StopIteration:
        return
    raise RuntimeError("the in-loop SQLite driver suspended")  # pragma: no cover - it has nothing to wait for


class InloopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = InloopCursor

    def commit(self) -> None:
        try:
            self._connection._conn.commit()
        except Exception as error:
            self._handle_exception(error)

    def rollback(self) -> None:
        if self._connection._conn is not None:
            try:
                self._connection._conn.rollback()
            except Exception as error:
                self._handle_exception(error)

    @property
    def isolation_level(self) -> str | None:
        return self._connection.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._connection._conn.isolation_level = value


class InloopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *args: Any, **kwargs: Any) -> InloopConnection:
        kwargs.pop("async_creator_fn", None)
        return InloopConnection(self, await_(Connection(*args, **kwargs)))


class SQLiteDialect_inloop(SQLiteDialect_aiosqlite):  # noqa: N801 - SQLAlchemy's dialect naming
    driver = "inloop"
    supports_statement_cache = True  # third-party dialects must say so, or every statement recompiles

    @classmethod
    def import_dbapi(cls) -> InloopDBAPI:
        return InloopDBAPI(_module, sqlite3)


def register() -> None:
    """Make `sqlite+inloop://` URLs known to SQLAlchemy (idempotent; called when such an engine is created)."""
    registry.register("sqlite.inloop", __name__, "SQLiteDialect_inloop")


class InlineTransaction(Transaction):
    """A unit of work's transaction on this driver: once it holds its connection, its Core statements, commit
    and close run on the sync connection directly. They never suspend, and a greenlet per statement cost a
    stack mapped and unmapped each time. Before that (an ORM-only transaction) it awaits like any other."""

    __slots__ = ("_held",)

    def __init__(self, session) -> None:  # noqa: ANN001 - an AsyncSession
        super().__init__(session)
        self._held = False

    async def execute(self, statement: Executable, params: Params) -> Result:
        connection = (self._connection or await self._connect()).sync_connection
        if isinstance(params, list) and (bulk := bulk_insert(statement, params, connection.dialect)) is not None:
            return connection.exec_driver_sql(bulk.sql, bulk.parameters(params))
        return connection.execute(statement, params)

    async def _connect(self) -> AsyncConnection:
        connection = await super()._connect()
        self._held = True  # the pool's checkout (which may await) is done: the rest needs no greenlet
        return connection

    async def commit(self) -> None:
        if not self._held:
            await super().commit()
            return
        self.session.sync_session.commit()
        self._connection = None

    async def close(self) -> None:
        if self._held:
            self.session.sync_session.close()
        else:
            await self.session.close()
