"""The datastore on PostgreSQL (asyncpg, no ORM on this path): loads by COPY, searches as one prepared statement,
SQL searches in a READ ONLY transaction under a statement_timeout."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from itertools import islice

import asyncpg

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

PG_TYPES = {"integer": "bigint", "numeric": "double precision", "boolean": "boolean", "date": "date"}
PG_TYPES |= {"timestamp": "timestamp", "text": "text"}
COPY_BATCH = 50_000


class PostgresDatastore:
    dialect = "postgres"

    def __init__(self, dsn: str, *, pool_size: int = 10, advisor: IndexAdvisor | None = None) -> None:
        self.dsn = dsn
        self.advisor = advisor or IndexAdvisor()
        self._building: set[asyncio.Task] = set()
        self.pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        self._not_null = NotNullMemory()

    async def start(self) -> None:
        self._pool = await asyncpg.create_pool(self.dsn, min_size=1, max_size=self.pool_size)

    async def stop(self) -> None:
        for task in list(self._building):
            task.cancel()
        await asyncio.gather(*self._building, return_exceptions=True)
        if self._pool is not None:
            await self._pool.close()

    @property
    def pool(self) -> asyncpg.Pool:
        assert self._pool is not None, "start() first"
        return self._pool

    async def ready(self) -> bool:
        return await self.pool.fetchval("SELECT 1") == 1

    async def load(self, table: str, columns: Sequence[tuple[str, str]], rows: Iterable[tuple]) -> int:
        """CREATE TABLE and COPY in batches (each its own transaction: the table is not named anywhere yet)."""
        check_table(table)
        definitions = ", ".join(f"{quote(name)} {PG_TYPES.get(kind, 'text')}" for name, kind in columns)
        names = [name for name, _ in columns]
        try:
            async with self.pool.acquire() as connection:
                await connection.execute(
                    f"CREATE TABLE {quote(table)} ({quote(ROW_ID)} bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    f"{definitions})"
                )
                count = 0
                for batch in _batches(iter(rows), COPY_BATCH):
                    await connection.copy_records_to_table(table, records=batch, columns=names)
                    count += len(batch)
                for position, name in enumerate(names):
                    await connection.execute(
                        f"CREATE INDEX {quote(f'{table}_i{position}')} ON {quote(table)} ({quote(name)})"
                    )
                await connection.execute(f"ANALYZE {quote(table)}")
                return count
        except BaseException:
            await self.drop(table)
            raise

    async def drop(self, table: str) -> None:
        await self.pool.execute(f"DROP TABLE IF EXISTS {quote(check_table(table))}")
        self._not_null.forget(table)
        self.advisor.forget(table)

    async def search(self, table: str, search: Search, *, include_total: bool) -> Page:
        try:
            async with self.pool.acquire() as connection:
                if search.after is not None:
                    search.not_null = await self._columns_without_nulls(connection, table, search)
                query = _builder().select(search, check_table(table))
                started = time.perf_counter()
                rows = await connection.fetch(query.text, *query.params)
                self._advise(table, search, (time.perf_counter() - started) * 1000)
                total = None
                if include_total:
                    counted = _builder().count(search, table)
                    total = await connection.fetchval(counted.text, *counted.params)
        except asyncpg.UndefinedTableError as exc:
            raise DatastoreUnavailable("数据表不存在（可能正在重新加载），请稍后重试") from exc
        return Page(_iso_times(rows, search), total)

    def _advise(self, table: str, search: Search, elapsed_ms: float) -> None:
        """A shape of search that keeps being slow gets its index, built CONCURRENTLY (readers go on)."""
        columns = self.advisor.observe(table, search, elapsed_ms)
        if columns:
            task = asyncio.create_task(self._add_index(table, columns))
            self._building.add(task)
            task.add_done_callback(self._building.discard)

    async def _add_index(self, table: str, columns: tuple[str, ...]) -> None:
        started = time.perf_counter()
        listed = ", ".join(quote(c) for c in columns)
        name = quote(index_name(table, columns))
        try:
            await self.pool.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {quote(table)} ({listed})")
            await self.pool.execute(f"ANALYZE {quote(table)}")
        except asyncpg.PostgresError as exc:  # the table was replaced meanwhile: nothing to index
            log.warning("datastore index not built", table=table, columns=columns, error=str(exc))
            return
        log.info(
            "datastore index built", table=table, columns=columns, ms=round((time.perf_counter() - started) * 1000)
        )

    async def _columns_without_nulls(
        self, connection: asyncpg.Connection, table: str, search: Search
    ) -> frozenset[str]:
        known = self._not_null.get(table)
        if known is None:
            nullable = {c for c in search.columns if await connection.fetchval(null_probe(table, c))}
            known = self._not_null.put(table, set(search.columns) - nullable)
        return known

    def export(self, table: str, search: Search) -> AsyncIterator[list[tuple]]:
        return export_batches(self, table, search)

    async def sql(self, statement: str, *, timeout_ms: int, row_limit: int) -> SqlAnswer:
        async with self.pool.acquire() as connection, connection.transaction(readonly=True):
            await connection.execute(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
            try:
                prepared = await connection.prepare(statement)
                cursor = await prepared.cursor()
                rows = await cursor.fetch(row_limit + 1)  # a cursor: never more than the limit in memory
            except asyncpg.QueryCanceledError as exc:
                raise DatastoreUnavailable(f"查询超过 {timeout_ms} 毫秒，已取消") from exc
            names = [a.name for a in prepared.get_attributes()]
        return SqlAnswer(names, [tuple(r) for r in rows[:row_limit]], len(rows) > row_limit)


def _iso_times(rows: list[asyncpg.Record], search: Search) -> list[tuple]:
    """Times as ISO text with its "T", as SQLite keeps them: the same CSV from either datastore."""
    at = [i for i, name in enumerate(search.selected()) if search.columns.get(name) == "timestamp"]
    if not at:
        return [tuple(r) for r in rows]
    found = []
    for record in rows:
        row = list(record)
        for i in at:
            if row[i] is not None:
                row[i] = row[i].isoformat()
        found.append(tuple(row))
    return found


def _builder() -> Builder:
    return Builder(placeholder=lambda n: f"${n}", nulls_smallest=False, like="ILIKE")


def _batches(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    while batch := list(islice(rows, size)):
        yield batch
