"""The datastore on a SQLite file of its own (embedded mode): searches on a few reader threads (sqlite3 lets go
of the GIL while it works, so a slow text search never stalls the event loop), loads on one writer thread."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from services.opendata.datastore.advisor import IndexAdvisor, index_name
from services.opendata.datastore.base import (
    DatastoreUnavailable,
    NotNullMemory,
    Page,
    SqlAnswer,
    check_table,
    export_batches,
    null_probe,
)
from services.opendata.datastore.query import ROW_ID, Builder, Search, quote
from shared.logs import get_logger

log = get_logger("opendata.datastore")
SQLITE_TYPES = {"integer": "INTEGER", "numeric": "REAL", "boolean": "INTEGER", "date": "TEXT", "timestamp": "TEXT"}
LOAD_BATCH = 10_000
PROGRESS_STEPS = 10_000  # VM instructions between checks of a SQL search's time limit
INLINE_STEPS = 50_000  # VM instructions a search may take on the event loop: ~2 ms (an indexed page: ~4,000)
INLINE_ROWS = 1_000  # larger pages (exports' batches of 5,000) go to a reader thread straight away


def _stored(value: Any) -> Any:
    """Dates and times as ISO text (they compare and sort as text), booleans as 0/1."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


class SqliteDatastore:
    dialect = "sqlite"

    def __init__(self, path: Path, *, readers: int = 2, advisor: IndexAdvisor | None = None) -> None:
        self.path = path
        self.advisor = advisor or IndexAdvisor()
        self._local = threading.local()
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="datastore-read")
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="datastore-write")
        self._not_null = NotNullMemory()

    async def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        await self._write(lambda c: c.execute("PRAGMA journal_mode=WAL"))

    async def stop(self) -> None:
        self._readers.shutdown(wait=True)
        self._writer.shutdown(wait=True)

    async def ready(self) -> bool:
        return await self._read(lambda c: c.execute("SELECT 1").fetchone()) is not None

    def _connection(self, *, writer: bool) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=True)
            connection.execute("PRAGMA busy_timeout=10000")
            connection.execute("PRAGMA synchronous=NORMAL")
            if not writer:
                connection.execute("PRAGMA query_only=ON")
            self._local.connection = connection
        return connection

    async def _read(self, work: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, lambda: work(self._connection(writer=False)))

    async def _write(self, work: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, lambda: work(self._connection(writer=True)))

    async def load(self, table: str, columns: Sequence[tuple[str, str]], rows: Iterable[tuple]) -> int:
        check_table(table)
        try:
            return await self._write(partial(_load, table, columns, rows))
        except BaseException:
            await self.drop(table)
            raise

    async def drop(self, table: str) -> None:
        await self._write(lambda c: c.execute(f"DROP TABLE IF EXISTS {quote(check_table(table))}"))
        self._not_null.forget(table)
        self.advisor.forget(table)

    async def search(self, table: str, search: Search, *, include_total: bool) -> Page:
        def run(connection: sqlite3.Connection) -> tuple[Page, float]:
            if search.after is not None:
                search.not_null = self._columns_without_nulls(connection, table, search)
            query = _builder().select(search, check_table(table))
            started = time.perf_counter()
            rows = connection.execute(query.text, _bound(query.params)).fetchall()
            elapsed_ms = (time.perf_counter() - started) * 1000
            total = None
            if include_total:
                counted = _builder().count(search, table)
                total = connection.execute(counted.text, _bound(counted.params)).fetchone()[0]
            return Page(_typed(rows, search), total), elapsed_ms

        page, elapsed_ms = await self._guarded(run, inline=search.limit <= INLINE_ROWS)
        self._advise(table, search, elapsed_ms)
        return page

    def _advise(self, table: str, search: Search, elapsed_ms: float) -> None:
        """A shape of search that keeps being slow gets its index, built on the writer (readers go on)."""
        columns = self.advisor.observe(table, search, elapsed_ms)
        if columns:
            self._writer.submit(lambda: _add_index(self._connection(writer=True), table, columns))

    def _columns_without_nulls(self, connection: sqlite3.Connection, table: str, search: Search) -> frozenset[str]:
        known = self._not_null.get(table)
        if known is None:
            nullable = {c for c in search.columns if connection.execute(null_probe(table, c)).fetchone()}
            known = self._not_null.put(table, set(search.columns) - nullable)
        return known

    def export(self, table: str, search: Search) -> AsyncIterator[list[tuple]]:
        return export_batches(self, table, search)

    async def sql(self, statement: str, *, timeout_ms: int, row_limit: int) -> SqlAnswer:
        def run(connection: sqlite3.Connection) -> SqlAnswer:
            deadline = time.monotonic() + timeout_ms / 1000
            connection.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
            try:
                cursor = connection.execute(statement)
                rows = cursor.fetchmany(row_limit + 1)
            except sqlite3.OperationalError as exc:
                if "interrupted" in str(exc):
                    raise DatastoreUnavailable(f"查询超过 {timeout_ms} 毫秒，已取消") from exc
                raise
            finally:
                connection.set_progress_handler(None, 0)
            names = [d[0] for d in cursor.description or ()]
            return SqlAnswer(names, rows[:row_limit], len(rows) > row_limit)

        return await self._guarded(run)

    async def _guarded(self, run: Any, *, inline: bool = False) -> Any:
        try:
            if inline:
                with contextlib.suppress(_TooLongInline):
                    return self._inline(run)
            return await self._read(run)
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                raise DatastoreUnavailable("数据表不存在（可能正在重新加载），请稍后重试") from exc
            raise

    def _inline(self, run: Any) -> Any:
        """On the event loop's own connection, stopped after INLINE_STEPS: handing a search to a reader thread
        and back costs more than an indexed search itself, so searches start here; one that runs longer than a
        millisecond or two is stopped and run again on a reader, and the loop goes on serving meanwhile."""
        connection = getattr(self._local, "inline", None)
        if connection is None:
            connection = self._local.inline = self._connection(writer=False)
            connection.execute("PRAGMA busy_timeout=0")  # the loop never waits: a busy file goes to a reader
        connection.set_progress_handler(_stop, INLINE_STEPS)
        try:
            return run(connection)
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc) or "locked" in str(exc):
                raise _TooLongInline from exc
            raise
        finally:
            connection.set_progress_handler(None, 0)


class _TooLongInline(Exception):
    """A search stopped on the event loop, to be run on a reader thread instead."""


def _stop() -> int:
    return 1


def _bound(params: list[Any]) -> list[Any]:
    """Values compared as they are stored (a time as ISO text with its "T", not sqlite3's own format)."""
    return [_stored(value) for value in params]


def _builder() -> Builder:
    return Builder(placeholder=lambda _: "?", nulls_smallest=True)


def _typed(rows: list[tuple], search: Search) -> list[tuple]:
    """Booleans back from 0/1; everything else SQLite gives is already what JSON and CSV want."""
    flags = [search.columns.get(name) == "boolean" for name in search.selected()]
    if not any(flags):
        return rows
    return [tuple(bool(v) if f and v is not None else v for v, f in zip(row, flags, strict=True)) for row in rows]


def _load(table: str, columns: Sequence[tuple[str, str]], rows: Iterable[tuple], connection: sqlite3.Connection) -> int:
    """CREATE TABLE, then batches of INSERTs, then an index per column (built once, after the rows)."""
    definitions = ", ".join(f"{quote(name)} {SQLITE_TYPES.get(kind, 'TEXT')}" for name, kind in columns)
    connection.execute(f"CREATE TABLE {quote(table)} ({quote(ROW_ID)} INTEGER PRIMARY KEY, {definitions})")
    marks = ", ".join("?" for _ in columns)
    names = ", ".join(quote(name) for name, _ in columns)
    insert = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"
    count, batch = 0, []
    for row in rows:
        batch.append(tuple(_stored(v) for v in row))
        if len(batch) >= LOAD_BATCH:
            count += _insert(connection, insert, batch)
            batch = []
    count += _insert(connection, insert, batch)
    for position, (name, _kind) in enumerate(columns):
        connection.execute(f"CREATE INDEX {quote(f'{table}_i{position}')} ON {quote(table)} ({quote(name)})")
    connection.execute(f"ANALYZE {quote(table)}")
    return count


def _add_index(connection: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> None:
    name = index_name(table, columns)
    started = time.perf_counter()
    try:
        listed = ", ".join(quote(c) for c in columns)
        connection.execute(f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} ({listed})")
        connection.execute(f"ANALYZE {quote(name)}")
    except sqlite3.OperationalError as exc:  # the table was replaced meanwhile: nothing to index
        log.warning("datastore index not built", table=table, columns=columns, error=str(exc))
        return
    log.info("datastore index built", table=table, columns=columns, ms=round((time.perf_counter() - started) * 1000))


def _insert(connection: sqlite3.Connection, insert: str, batch: list[tuple]) -> int:
    if not batch:
        return 0
    connection.execute("BEGIN")
    connection.executemany(insert, batch)
    connection.execute("COMMIT")
    return len(batch)
