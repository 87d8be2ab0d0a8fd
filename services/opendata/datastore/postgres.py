"""The datastore on PostgreSQL (asyncpg, no ORM on this path): loads by COPY, searches as one prepared statement,
SQL searches in a READ ONLY transaction under a statement_timeout."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from itertools import islice

import asyncpg

from services.opendata.datastore.base import DatastoreUnavailable, Page, SqlAnswer, check_table, export_batches
from services.opendata.datastore.query import ROW_ID, Builder, Search, quote

PG_TYPES = {"integer": "bigint", "numeric": "double precision", "boolean": "boolean", "date": "date"}
PG_TYPES |= {"timestamp": "timestamp", "text": "text"}
COPY_BATCH = 50_000


class PostgresDatastore:
    dialect = "postgres"

    def __init__(self, dsn: str, *, pool_size: int = 10) -> None:
        self.dsn = dsn
        self.pool_size = pool_size
        self._pool: asyncpg.Pool | None = None

    async def start(self) -> None:
        self._pool = await asyncpg.create_pool(self.dsn, min_size=1, max_size=self.pool_size)

    async def stop(self) -> None:
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

    async def search(self, table: str, search: Search, *, include_total: bool) -> Page:
        query = _builder().select(search, check_table(table))
        try:
            async with self.pool.acquire() as connection:
                rows = await connection.fetch(query.text, *query.params)
                total = None
                if include_total:
                    counted = _builder().count(search, table)
                    total = await connection.fetchval(counted.text, *counted.params)
        except asyncpg.UndefinedTableError as exc:
            raise DatastoreUnavailable("数据表不存在（可能正在重新加载），请稍后重试") from exc
        return Page([tuple(r) for r in rows], total)

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


def _builder() -> Builder:
    return Builder(placeholder=lambda n: f"${n}", nulls_smallest=False, like="ILIKE")


def _batches(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    while batch := list(islice(rows, size)):
        yield batch
