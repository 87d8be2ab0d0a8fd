"""Reading the data: datastore_search (filters, q, sort, paging by offset or by keyset), whole-table exports,
SQL searches — each checked against who reads it and counted against their key."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from services.opendata.datastore import (
    ROW_ID,
    DatastoreUnavailable,
    QueryError,
    Search,
    decode_cursor,
    encode_cursor,
)
from services.opendata.datastore.query import parse_sort
from services.opendata.datastore.sql import checked_sql
from services.opendata.service.access import Readable, TtlCache, approvals, may_read
from services.opendata.service.context import OpendataDeps, Reader
from services.opendata.service.exports import kept_export
from shared.errors import InvalidInput, NotFound, ServiceUnavailable

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(slots=True)
class DataRequest:
    """datastore_search's parameters, parsed from CKAN's GET or POST forms."""

    resource_id: str
    filters: dict[str, Any] = field(default_factory=dict)
    q: str | dict[str, str] | None = None
    fields: list[str] | None = None
    sort: str | None = None
    limit: int = 100
    offset: int = 0
    include_total: bool = True
    distinct: bool = False
    next_page: str | None = None


@dataclass(frozen=True, slots=True)
class DataPage:
    item: Readable
    fields: list[str]
    rows: list[tuple]
    total: int | None
    limit: int
    offset: int
    next_page: str | None


class DataReader:
    """The read side's use cases, with their few seconds' memory of the catalogue."""

    def __init__(self, deps: OpendataDeps) -> None:
        self.deps = deps
        self.cache = TtlCache()

    async def readable(self, reader: Reader, resource_id: str) -> Readable:
        item = self.cache.get(("resource", resource_id)) or self.cache.put(
            ("resource", resource_id), await self._lookup(resource_id)
        )
        may_read(reader, item, await approvals(self.deps, self.cache, reader))
        return item

    async def _lookup(self, resource_id: str) -> Readable:
        async with self.deps.platform_uow() as uow:
            resource = await uow.repo.resource(resource_id)
            dataset = await uow.repo.dataset(resource.dataset_id) if resource else None
        if resource is None or dataset is None:
            raise NotFound(f"没有资源 {resource_id}")
        return Readable(
            resource.id, dataset.id, dataset.site_id, resource.table_name,
            {c["id"]: c["type"] for c in resource.columns}, dataset.access, dataset.state == "published",
        )  # fmt: skip

    async def search(self, reader: Reader, request: DataRequest) -> DataPage:
        item = await self.readable(reader, request.resource_id)
        if item.table is None:
            raise InvalidInput("resource_id", "该资源未加载到数据存储（datastore），请下载文件")
        search = self._search(item, request)
        try:
            page = await self.deps.datastore.search(item.table, search, include_total=request.include_total)
        except QueryError as exc:  # a value not of its column's type, found as the statement is written
            raise InvalidInput(exc.field, exc.message) from exc
        except DatastoreUnavailable as exc:
            raise ServiceUnavailable(str(exc)) from exc
        self.count(item, reader, "api")
        fields = search.selected()
        following = _cursor(search, page.rows, fields) if len(page.rows) == search.limit else None
        return DataPage(item, fields, page.rows, page.total, search.limit, search.offset, following)

    def _search(self, item: Readable, request: DataRequest) -> Search:
        if not 0 <= request.limit <= self.deps.settings.rows_max:
            raise InvalidInput("limit", f"limit 应在 0 到 {self.deps.settings.rows_max} 之间")
        if request.offset < 0:
            raise InvalidInput("offset", "offset 不能为负数")
        try:
            search = Search(
                item.columns, request.filters, request.q, _fields(request.fields, item.columns),
                parse_sort(request.sort, item.columns), request.limit, request.offset, request.distinct,
            )  # fmt: skip
            if request.next_page:
                if request.distinct:
                    raise QueryError("next_page", "distinct 查询不能用 next_page 翻页")
                search.after = decode_cursor(request.next_page, len(search.sort) + 1)
                search.offset = 0
        except QueryError as exc:
            raise InvalidInput(exc.field, exc.message) from exc
        return search

    async def export(self, reader: Reader, request: DataRequest) -> tuple[DataPage, AsyncIterator[list[tuple]]]:
        """The whole table (filtered, with its chosen fields), streamed; counted as one download."""
        item = await self.readable(reader, request.resource_id)
        if item.table is None:
            raise InvalidInput("resource_id", "该资源未加载到数据存储（datastore），请下载文件")
        search = self._search(item, request)
        self.count(item, reader, "download")
        fields = search.output_fields()
        return DataPage(item, fields, [], None, 0, 0, None), self.deps.datastore.export(item.table, search)

    async def kept_csv(self, reader: Reader, resource_id: str, *, bom: bool) -> AsyncIterator[bytes] | None:
        """The whole table's CSV as written at its load (counted as one download); None if none was kept."""
        item = await self.readable(reader, resource_id)
        if item.table is None:
            return None
        chunks = await kept_export(self.deps.blobs, item.site_id, item.table, bom=bom)
        if chunks is not None:
            self.count(item, reader, "download")
        return chunks

    async def sql(self, reader: Reader, statement: str) -> tuple[list[str], list[tuple], bool]:
        """One read-only SELECT over the resources the reader may read (off unless the portal offers it)."""
        settings = self.deps.settings
        if not settings.sql_enabled:
            raise InvalidInput("sql", "本平台未开放 SQL 查询（datastore_search_sql），请使用 datastore_search")
        tables = {}
        for resource_id in _resource_ids(statement):
            item = await self.readable(reader, resource_id)
            if item.table:
                tables[resource_id] = item.table
                self.count(item, reader, "api")
        try:
            rewritten = checked_sql(statement, tables, dialect=self.deps.datastore.dialect)
            answer = await self.deps.datastore.sql(
                rewritten, timeout_ms=settings.sql_timeout_ms, row_limit=settings.rows_max
            )
        except QueryError as exc:
            raise InvalidInput("sql", exc.message) from exc
        except DatastoreUnavailable as exc:
            raise InvalidInput("sql", str(exc)) from exc
        return answer.columns, answer.rows, answer.truncated

    def count(self, item: Readable, reader: Reader, kind: str) -> None:
        self.deps.usage.add(self.deps.today(), item.dataset_id, item.site_id, reader.key_id, kind, reader.owner_id)


def _fields(fields: list[str] | None, columns: dict[str, str]) -> list[str] | None:
    if not fields:
        return None
    unknown = [f for f in fields if f != ROW_ID and f not in columns]
    if unknown:
        raise QueryError("fields", f"没有这些列：{'、'.join(unknown)}")
    return fields


def _cursor(search: Search, rows: list[tuple], fields: list[str]) -> str | None:
    """The last row's sort values and _id: where the next page starts (when the page carries them)."""
    if search.distinct or not rows:
        return None
    names = [k.column for k in search.sort] + [ROW_ID]
    if any(name not in fields for name in names):
        return None  # the fields chosen leave out a sort column or _id: offset paging only
    last = rows[-1]
    return encode_cursor([last[fields.index(name)] for name in names])


def _resource_ids(statement: str) -> list[str]:
    """The resource ids a statement names (UUIDs), to check each before the statement is even parsed."""
    return list(dict.fromkeys(_UUID.findall(statement)))
