"""Many rows of a plain INSERT, their parameters made in one pass, on the in-loop SQLite driver.

SQLAlchemy makes each row's parameters through its general machinery — a dict of every bind, the column defaults
in another, then the positional list, each step a Python loop — which was ~10 % of the platform's loop in a bulk
import (the outbox's, inbox's and audit's rows, search entries, the renderer's copies). For an INSERT of rows that
all name the same columns, the statement is compiled once per set of columns and each row becomes a tuple: the
named values, the columns' Python defaults, and the types' bind processors, as SQLAlchemy would apply them. Anything
else — RETURNING, values() fixed in the statement, a default that needs its execution context, rows naming
different columns (SQLAlchemy then says which value is missing) — goes through SQLAlchemy as before.

Built on SQLAlchemy's compiled form (`positiontup`, `insert_prefetch`, `effective_returning`): pinned with the
driver (shared/db/sqlite_inloop.py, BUILT_FOR_SQLALCHEMY); shared/tests/test_sqlite_bulk.py holds the two ways equal.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Column, Dialect, Executable, Insert

Processor = Callable[[Any], Any]


class BulkInsert:
    """One compiled INSERT and how a row becomes its positional parameters."""

    __slots__ = ("_defaults", "_keys", "_processors", "_values", "sql")

    def __init__(
        self, sql: str, keys: tuple[str, ...], defaults: dict[int, Callable[[], Any]], processors: dict[int, Processor]
    ) -> None:
        self.sql, self._keys, self._defaults, self._processors = sql, frozenset(keys), defaults, processors
        # the named values in the statement's order, in C (itemgetter of one key gives the value, not a 1-tuple)
        self._values = itemgetter(*keys) if len(keys) > 1 else lambda row: (row[keys[0]],)

    def fits(self, rows: Sequence[dict[str, Any]]) -> bool:
        """Every row names exactly the columns the statement was compiled for."""
        keys = self._keys
        return all(row.keys() == keys for row in rows)

    def parameters(self, rows: Sequence[dict[str, Any]]) -> list[tuple]:
        """Each row's values as the DBAPI's executemany takes them, bound as SQLAlchemy would bind them."""
        values, defaults, processors = self._values, self._defaults.items(), self._processors.items()
        made = []
        for row in rows:
            slots = list(values(row))
            for at, default in defaults:  # in the statement's order: each lands where its column is
                slots.insert(at, default())
            for at, process in processors:
                slots[at] = process(slots[at])
            made.append(tuple(slots))
        return made


def bulk_insert(statement: Executable, rows: list[dict[str, Any]], dialect: Dialect) -> BulkInsert | None:
    """The fast way for these rows, or None where SQLAlchemy's own must run."""
    if not isinstance(statement, Insert) or statement.select is not None or not rows or not rows[0]:
        return None
    bulk = _compiled(statement, tuple(rows[0]), dialect)
    return bulk if bulk is not None and bulk.fits(rows) else None


@lru_cache(maxsize=512)
def _compiled(statement: Insert, keys: tuple[str, ...], dialect: Dialect) -> BulkInsert | None:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys), for_executemany=True)
    if compiled.effective_returning or compiled.escaped_bind_names or compiled.literal_execute_params:
        return None
    names = list(compiled.positiontup or ())
    prefetch = {column.key: column for column in compiled.insert_prefetch}
    if any(name not in keys and name not in prefetch for name in names):
        return None  # a value fixed in the statement, or one SQLAlchemy computes some other way
    defaults = {at: _default(prefetch[name]) for at, name in enumerate(names) if name not in keys}
    named = tuple(name for name in names if name in keys)
    if None in defaults.values() or len(named) != len(keys):
        return None
    processors = {}
    for at, name in enumerate(names):
        processor = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[at] = processor
    return BulkInsert(compiled.string, named, defaults, processors)


def _default(column: Column) -> Callable[[], Any] | None:
    """A column's Python default as a function of nothing: a constant, or a function SQLAlchemy wrapped because it
    takes no context (utcnow, list, dict); None for one that reads its execution context."""
    default = column.default
    if default is None:
        return None
    if default.is_scalar:
        value = default.arg
        return lambda: value
    made = getattr(default.arg, "__wrapped__", None) if default.is_callable else None
    return made if made is not None and _takes_nothing(made) else None


def _takes_nothing(function: Callable) -> bool:
    """As SQLAlchemy tells a default that takes no context (it wraps those, and only those, in one that does)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return True  # a builtin such as list or dict: SQLAlchemy calls it with nothing too
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return not any(p.kind in positional and p.default is inspect.Parameter.empty for p in parameters)
