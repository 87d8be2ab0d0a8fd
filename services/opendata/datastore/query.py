"""A datastore search as CKAN's datastore_search takes it — filters, q, fields, sort, limit/offset, keyset
paging, distinct — checked against the table's columns and turned into one parameterised SELECT.

Beyond CKAN's equality and list filters, a filter value may be a range (`{"gte": 2020, "lt": 2025}`), and
`filters["$or"]` a list of filter objects of which any may match. Column names are never spliced from input:
each must be one of the table's, and is quoted. Rows sort as the database sorts them natively (so an index on
the sort column serves the order): NULLs are the smallest values on SQLite and the largest on PostgreSQL, and the
keyset cursor (`next_page`) knows which, so it continues exactly where a page ended.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from services.opendata.datastore.values import ValueError_, to_python

ROW_ID = "_id"
RANGE_OPERATORS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
_SORT_ITEM = re.compile(r"^\s*(?:\"(?P<quoted>[^\"]+)\"|(?P<plain>[^\s,\"]+))(?:\s+(?P<dir>asc|desc))?\s*$", re.I)


class QueryError(Exception):
    """A search the table cannot answer; `field` names the parameter at fault (CKAN's Validation Error)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass(frozen=True, slots=True)
class SortKey:
    column: str
    descending: bool = False


@dataclass(slots=True)
class Search:
    """What to fetch: the parsed, checked parameters of one datastore_search."""

    columns: dict[str, str]  # the table's columns and their types, in order (without _id)
    filters: dict[str, Any] = field(default_factory=dict)
    q: str | dict[str, str] | None = None
    fields: list[str] | None = None
    sort: list[SortKey] = field(default_factory=list)
    limit: int = 100
    offset: int = 0
    distinct: bool = False
    after: list[Any] | None = None  # the keyset cursor's values: the last row's sort values and its _id
    not_null: frozenset[str] = frozenset()  # columns known to hold no NULL (the datastore knows its tables)

    def output_fields(self) -> list[str]:
        return self.fields or [ROW_ID, *self.columns]

    def selected(self) -> list[str]:
        """The columns of each row returned: the output fields, less _id when rows are distinct."""
        names = self.output_fields()
        return [n for n in names if n != ROW_ID] if self.distinct else names


@dataclass(frozen=True, slots=True)
class Sql:
    text: str
    params: list[Any]


def parse_sort(sort: str | None, columns: Mapping[str, str]) -> list[SortKey]:
    """'年份 desc, "地区"' → sort keys; an unknown column is named."""
    keys = []
    for item in (sort or "").split(","):
        if not item.strip():
            continue
        match = _SORT_ITEM.match(item)
        name = match and (match["quoted"] or match["plain"])
        if not name or (name not in columns and name != ROW_ID):
            raise QueryError("sort", f"不能按「{item.strip()}」排序：没有这一列")
        keys.append(SortKey(name, (match["dir"] or "asc").lower() == "desc"))
    return keys


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(values), default=str)).decode().rstrip("=")


def decode_cursor(token: str, width: int) -> list[Any]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise QueryError("next_page", "next_page 无效：请使用上一页返回的值") from exc
    if not isinstance(values, list) or len(values) != width:
        raise QueryError("next_page", "next_page 与本次的排序条件不符")
    return values


@dataclass
class Builder:
    """Writes the SELECT for one search in a dialect's parameter style (`?` or `$n`) and quoting."""

    placeholder: Callable[[int], str]
    nulls_smallest: bool  # SQLite: NULLs sort first ascending; PostgreSQL: last
    like: str = "LIKE"  # PostgreSQL: ILIKE (Chinese has no case; Latin words in data do)
    params: list[Any] = field(default_factory=list)

    def bind(self, value: Any) -> str:
        self.params.append(value)
        return self.placeholder(len(self.params))

    def select(self, search: Search, table: str) -> Sql:
        columns = ", ".join(quote(n) for n in search.selected())
        head = f"SELECT {'DISTINCT ' if search.distinct else ''}{columns} FROM {quote(table)}"
        where = self.where(search)
        order = self.order(search)
        tail = f" LIMIT {int(search.limit)}" + (f" OFFSET {int(search.offset)}" if search.offset else "")
        return Sql(head + (f" WHERE {where}" if where else "") + order + tail, self.params)

    def count(self, search: Search, table: str) -> Sql:
        where = self.where(search)
        inner = f"SELECT 1 FROM {quote(table)}" + (f" WHERE {where}" if where else "")
        if search.distinct:
            names = ", ".join(quote(n) for n in search.selected())
            inner = f"SELECT DISTINCT {names} FROM {quote(table)}" + (f" WHERE {where}" if where else "")
        return Sql(f"SELECT count(*) FROM ({inner}) AS counted", self.params)

    def where(self, search: Search) -> str:
        parts = [self.filters(search.filters, search.columns)]
        parts.append(self.text_search(search.q, search.columns))
        if search.after is not None:
            parts.append(self.after(search))
        return " AND ".join(f"({p})" for p in parts if p)

    def order(self, search: Search) -> str:
        if search.distinct and not search.sort:
            return ""
        keys = [*search.sort, SortKey(ROW_ID)] if not search.distinct else search.sort
        terms = [f"{quote(k.column)} {'DESC' if k.descending else 'ASC'}" for k in keys]
        return " ORDER BY " + ", ".join(terms)

    def filters(self, filters: Mapping[str, Any], columns: Mapping[str, str]) -> str:
        parts = []
        for name, wanted in filters.items():
            if name == "$or":
                if not isinstance(wanted, list) or not all(isinstance(x, dict) and x for x in wanted):
                    raise QueryError("filters", "filters 的 $or 应为若干个筛选条件组成的列表")
                parts.append(" OR ".join(f"({self.filters(x, columns)})" for x in wanted))
            else:
                parts.append(self.condition(name, wanted, columns))
        return " AND ".join(parts)

    def condition(self, name: str, wanted: Any, columns: Mapping[str, str]) -> str:
        kind = "int" if name == ROW_ID else columns.get(name)
        if kind is None:
            raise QueryError("filters", f"筛选条件中的「{name}」不是本表的列")
        column = quote(name)
        if isinstance(wanted, dict):
            unknown = set(wanted) - set(RANGE_OPERATORS)
            if unknown or not wanted:
                raise QueryError("filters", f"「{name}」的范围条件只能用 {', '.join(RANGE_OPERATORS)}")
            bounds = (
                f"{column} {RANGE_OPERATORS[op]} {self.bind(self.typed(name, kind, v))}" for op, v in wanted.items()
            )
            return " AND ".join(bounds)
        if isinstance(wanted, list):
            if not wanted:
                return "1 = 0"
            values = ", ".join(self.bind(self.typed(name, kind, v)) for v in wanted)
            return f"{column} IN ({values})"
        if wanted is None:
            return f"{column} IS NULL"
        return f"{column} = {self.bind(self.typed(name, kind, wanted))}"

    def typed(self, name: str, kind: str, value: Any) -> Any:
        try:
            return to_python(kind, value)
        except ValueError_ as exc:
            raise QueryError("filters", f"「{name}」{exc}") from exc

    def text_search(self, q: str | dict[str, str] | None, columns: Mapping[str, str]) -> str:
        """Every word somewhere in the row's text columns (or, per column, in that column)."""
        if not q:
            return ""
        if isinstance(q, dict):
            for name in q:
                if name not in columns:
                    raise QueryError("q", f"q 中的「{name}」不是本表的列")
            pairs = [(name, word) for name, text in q.items() for word in str(text).split()]
            return " AND ".join(f"{_as_text(name)} {self.like} {self.bind(_pattern(w))}" for name, w in pairs)
        texts = [name for name, kind in columns.items() if kind == "text"] or list(columns)
        terms = []
        for word in q.split():
            pattern = _pattern(word)
            terms.append(" OR ".join(f"{_as_text(n)} {self.like} {self.bind(pattern)}" for n in texts))
        return " AND ".join(f"({t})" for t in terms)

    def after(self, search: Search) -> str:
        """Rows strictly after the cursor in (sort keys…, _id) order, NULLs where the database puts them.

        The alternatives (k1 beyond, or k1 equal and k2 beyond, …) are exact but an OR: alone, they make SQLite
        sort every row before the cursor. A range on the first key that they imply (k1 at or beyond its value)
        lets the index of that column find the start and walk on in order instead.
        """
        keys = [*search.sort, SortKey(ROW_ID)]
        values = search.after or []
        start = self.start(keys[0], values[0], search) if len(keys) > 1 else ""  # bound first: it is written first
        alternatives = []
        for i, key in enumerate(keys):
            equal = [self.equal(k.column, v, search.columns) for k, v in zip(keys[:i], values[:i], strict=True)]
            beyond = self.beyond(key, values[i], search)
            if beyond:
                alternatives.append(" AND ".join([*equal, beyond]))
        exact = " OR ".join(f"({a})" for a in alternatives) or "1 = 0"
        return f"{start} AND ({exact})" if start else exact

    def start(self, key: SortKey, value: Any, search: Search) -> str:
        """The first key at or beyond the cursor's value: a plain range, or nothing where it would need an OR."""
        column = quote(key.column)
        nulls_come_first = self.nulls_smallest != key.descending
        if value is None:
            return "" if nulls_come_first else f"{column} IS NULL"
        if not nulls_come_first and key.column not in search.not_null and key.column != ROW_ID:
            return ""  # NULLs follow every value: "≥ v OR IS NULL" would defeat the index again
        kind = "int" if key.column == ROW_ID else search.columns[key.column]
        return f"{column} {'<=' if key.descending else '>='} {self.bind(self.typed(key.column, kind, value))}"

    def equal(self, column: str, value: Any, columns: Mapping[str, str]) -> str:
        if value is None:
            return f"{quote(column)} IS NULL"
        kind = "int" if column == ROW_ID else columns[column]
        return f"{quote(column)} = {self.bind(self.typed(column, kind, value))}"

    def beyond(self, key: SortKey, value: Any, search: Search) -> str:
        column = quote(key.column)
        nulls_come_first = self.nulls_smallest != key.descending
        if value is None:
            return f"{column} IS NOT NULL" if nulls_come_first else ""
        kind = "int" if key.column == ROW_ID else search.columns[key.column]
        bound = f"{column} {'<' if key.descending else '>'} {self.bind(self.typed(key.column, kind, value))}"
        no_nulls = nulls_come_first or key.column == ROW_ID or key.column in search.not_null
        return bound if no_nulls else f"({bound} OR {column} IS NULL)"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _as_text(name: str) -> str:
    return f"CAST({quote(name)} AS TEXT)"


def _pattern(word: str) -> str:
    return "%" + word.replace("\\", "").replace("%", "").replace("_", "") + "%"
