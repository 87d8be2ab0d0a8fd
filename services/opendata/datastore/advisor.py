"""Indexes for the searches developers actually make: a shape of search (its equality filters, then its sort or
its range) that keeps being slow gets one composite index on its table.

Every column of a loaded table has an index of its own, which serves one filter or one sort. A search that
filters on two columns and sorts on a third (区县 = ? AND 等级 = ?, 监测时间 desc) gets none of them whole:
SQLite takes one filter's index and sorts every matching row — 71 ms on a 1,000,000-row table, where an index on
(区县, 等级, 监测时间) answers in 0.3 ms. Which combinations a table needs is not known at load time, and an index
for every combination is not affordable; the searches tell. A table is never changed after its load (a new load
is a new table), so an index costs its build once and nothing on writes. Each table gets at most a few.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass, field

from services.opendata.datastore.query import ROW_ID, Search

SLOW_MS = 20.0  # a search slower than this counts against its shape
TIMES = 3  # …this many times before its index is built (one odd search builds nothing)
MOST_PER_TABLE = 4
MOST_COLUMNS = 5


def shape_of(search: Search) -> tuple[str, ...] | None:
    """The columns of the index that would serve a search: its equality filters (top level, by name), then its
    sort keys, or else one range filter; None where the one-column indexes already serve it as well."""
    equal, ranged = [], []
    for name, wanted in search.filters.items():
        if name == "$or" or name == ROW_ID or isinstance(wanted, list):
            continue
        (ranged if isinstance(wanted, dict) else equal).append(name)
    if not equal:
        return None
    tail = [key.column for key in search.sort if key.column != ROW_ID] or sorted(ranged)[:1]
    columns = tuple(dict.fromkeys([*sorted(equal), *tail]))[:MOST_COLUMNS]
    return columns if len(columns) > 1 else None


def index_name(table: str, columns: tuple[str, ...]) -> str:
    """Stable per table and columns (so building it twice is a no-op), within PostgreSQL's 63 bytes."""
    digest = hashlib.sha1("\0".join(columns).encode()).hexdigest()[:10]
    return f"{table}_x{digest}"


@dataclass
class IndexAdvisor:
    """Counts slow searches by table and shape; says once when a shape has earned its index."""

    slow_ms: float = SLOW_MS
    times: int = TIMES
    most_per_table: int = MOST_PER_TABLE
    _slow: Counter = field(default_factory=Counter)
    _built: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def observe(self, table: str, search: Search, elapsed_ms: float) -> tuple[str, ...] | None:
        """Called after every search (from any thread); the columns to index now, at most once per shape."""
        if elapsed_ms < self.slow_ms:
            return None
        shape = shape_of(search)
        if shape is None:
            return None
        with self._lock:
            built = self._built.setdefault(table, set())
            if shape in built or len(built) >= self.most_per_table:
                return None
            self._slow[table, shape] += 1
            if self._slow[table, shape] < self.times:
                return None
            del self._slow[table, shape]
            built.add(shape)
            return shape

    def forget(self, table: str) -> None:
        with self._lock:
            self._built.pop(table, None)
            for key in [k for k in self._slow if k[0] == table]:
                del self._slow[key]
