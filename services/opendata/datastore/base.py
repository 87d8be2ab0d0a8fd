"""What a datastore backend does (SQLite for the embedded mode, PostgreSQL for the real one), and what the two
share: the shape of a table, of a page of rows, and of the answer to a SQL search."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from services.opendata.datastore.query import ROW_ID, Search, quote

TABLE_NAME = re.compile(r"^ds_[0-9a-f]{32}_[0-9]{1,6}$")  # ds_<resource id>_<load number>: nothing from input
EXPORT_BATCH = 5_000


class DatastoreUnavailable(Exception):
    """The datastore cannot answer (a SQL search took too long, a table is missing): said to the caller."""


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[tuple]  # in the order of the search's output fields
    total: int | None


@dataclass(frozen=True, slots=True)
class SqlAnswer:
    columns: list[str]
    rows: list[tuple]
    truncated: bool


class Datastore(Protocol):
    """Tables of loaded resources: created whole, searched, streamed out, dropped."""

    dialect: str  # sqlglot's name of its SQL: "sqlite" or "postgres" (SQL searches are written out in it)

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def load(self, table: str, columns: Sequence[tuple[str, str]], rows: Iterable[tuple]) -> int:
        """Create `table` and fill it (in batches, off the event loop); the rows loaded. The table stays
        invisible to readers until the catalogue names it, so a failure leaves nothing to see (it is dropped)."""
        ...

    async def drop(self, table: str) -> None: ...

    async def search(self, table: str, search: Search, *, include_total: bool) -> Page: ...

    def export(self, table: str, search: Search) -> AsyncIterator[list[tuple]]:
        """The whole (filtered) table in batches by _id: memory stays flat however large it is."""
        ...

    async def sql(self, statement: str, *, timeout_ms: int, row_limit: int) -> SqlAnswer:
        """One read-only SELECT (already checked and rewritten by services.opendata.datastore.sql), time-limited."""
        ...

    async def ready(self) -> bool: ...


class NotNullMemory:
    """Which columns of each table hold no NULL, asked once per table: a loaded table never changes (a new
    load is a new table), and keyset paging needs to know (see Builder.start)."""

    def __init__(self) -> None:
        self._known: dict[str, frozenset[str]] = {}

    def get(self, table: str) -> frozenset[str] | None:
        return self._known.get(table)

    def put(self, table: str, columns: Iterable[str]) -> frozenset[str]:
        found = self._known[table] = frozenset(columns)
        return found

    def forget(self, table: str) -> None:
        self._known.pop(table, None)


def null_probe(table: str, column: str) -> str:
    """Whether a column holds a NULL: one look into its index."""
    return f"SELECT 1 FROM {quote(check_table(table))} WHERE {quote(column)} IS NULL LIMIT 1"


def check_table(name: str) -> str:
    if not TABLE_NAME.fullmatch(name):
        raise ValueError(f"not a datastore table name: {name!r}")
    return name


async def export_batches(store: Datastore, table: str, search: Search) -> AsyncIterator[list[tuple]]:
    """Pages of EXPORT_BATCH rows by _id, each continuing after the last (never OFFSET: flat cost per page)."""
    wanted = search.fields or [ROW_ID, *search.columns]
    added = ROW_ID not in wanted
    fields = [ROW_ID, *wanted] if added else wanted
    at = fields.index(ROW_ID)
    batch = dataclasses.replace(search, fields=fields, sort=[], limit=EXPORT_BATCH, offset=0, distinct=False)
    batch.after = None
    while True:
        page = await store.search(table, batch, include_total=False)
        if not page.rows:
            return
        yield [row[1:] for row in page.rows] if added else page.rows
        batch.after = [page.rows[-1][at]]


def storable(rows: Iterable[tuple]) -> Iterator[tuple]:
    """The loader's rows as the drivers take them: a numeric column's Decimals as floats (double precision)."""
    for row in rows:
        yield tuple(float(v) if isinstance(v, Decimal) else v for v in row)
