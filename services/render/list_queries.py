"""A channel's list: the page of its listed entries a list, the catalogue or a feed shows, and how many there are.

A channel lists its own entries and its subchannels'. Most channels have none below them: their page is then read
by the exact channel, in the order of the index on (site, channel, time), a few rows whatever the channel's size;
a channel with entries below is matched by its path's prefix, and its entries are sorted (see `_below`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.render.models import PageEntry
from shared.clock import CHINA
from shared.tenancy import TENANT_SITE, site_bound

# What lists, articles and feeds read of an entry: plain rows, no ORM identity map to fill on the hot path.
ENTRY_COLUMNS = (
    PageEntry.id,
    PageEntry.document_id,
    PageEntry.channel_id,
    PageEntry.url_path,
    PageEntry.kind,
    PageEntry.title,
    PageEntry.published_at,
    PageEntry.topic_category,
    PageEntry.validity,
    PageEntry.cover_path,  # lists show the cover's thumbnail; 图片新闻 are the entries that have one
)
Entry = Row[Any]  # a row of ENTRY_COLUMNS (or of CATALOGUE_COLUMNS)
# The 信息公开目录 lists these too (索引号, 文号, 发布机构, 成文日期).
CATALOGUE_COLUMNS = (
    *ENTRY_COLUMNS,
    PageEntry.index_number,
    PageEntry.document_number,
    PageEntry.issuing_body,
    PageEntry.written_on,
)


@dataclass(frozen=True, slots=True)
class Filters:
    """What a list or the catalogue narrows to; empty is everything listed."""

    topic: str | None = None
    year: int | None = None
    issuing_body: str | None = None
    validity: tuple[str, ...] = ()
    q: str | None = None
    with_cover: bool = False

    @property
    def shape(self) -> tuple[bool, ...]:
        """Which filters are set: one prebuilt statement per shape."""
        return (
            bool(self.topic),
            bool(self.year),
            bool(self.issuing_body),
            bool(self.validity),
            bool(self.q),
            self.with_cover,
        )

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"topic": self.topic, "body": self.issuing_body, "validity": list(self.validity)}
        if self.year:
            params["start"], params["end"] = year_bounds(self.year)
        if self.q:
            params["q"] = "%" + self.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return params


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A calendar year as Chinese readers count it (China time), for 年度 filters."""
    return datetime(year, 1, 1, tzinfo=CHINA), datetime(year + 1, 1, 1, tzinfo=CHINA)


def _under_bound() -> ColumnElement[bool]:
    prefix = func.substr(PageEntry.channel_path, 1, bindparam("prefix_len"))
    return or_(PageEntry.channel_path == bindparam("path"), prefix == bindparam("prefix"))


def _channel(exact: bool) -> ColumnElement[bool]:
    return PageEntry.channel_path == bindparam("path") if exact else _under_bound()


def _filtered(shape: tuple[bool, ...]) -> list[ColumnElement[bool]]:
    topic, year, body, validity, q, with_cover = shape
    where = []
    if topic:
        where.append(PageEntry.topic_category == bindparam("topic"))
    if year:
        where += [PageEntry.published_at >= bindparam("start"), PageEntry.published_at < bindparam("end")]
    if body:
        where.append(PageEntry.issuing_body == bindparam("body"))
    if validity:
        where.append(PageEntry.validity.in_(bindparam("validity", expanding=True)))
    if q:
        where.append(PageEntry.title.like(bindparam("q"), escape="\\"))
    if with_cover:
        where.append(PageEntry.cover_path.is_not(None))
    return where


@functools.cache
def _page_statement(shape: tuple[bool, ...], catalogue: bool, exact: bool) -> Select[Any]:
    """A page of a channel's listed entries, newest first (the id breaks ties, as the index's rowid does)."""
    columns = CATALOGUE_COLUMNS if catalogue else ENTRY_COLUMNS
    query = select(*columns).where(PageEntry.listed.is_(True), _channel(exact), *_filtered(shape))
    query = query.order_by(PageEntry.published_at.desc(), PageEntry.id.desc())
    return site_bound(query.offset(bindparam("offset")).limit(bindparam("limit")), PageEntry)


@functools.cache
def _count_statement(shape: tuple[bool, ...], exact: bool) -> Select[Any]:
    """How many entries the page's statement pages through (asked only when a page does not tell it)."""
    where = (PageEntry.listed.is_(True), _channel(exact), *_filtered(shape))
    return site_bound(select(func.count()).select_from(PageEntry).where(*where), PageEntry)


@functools.cache
def _below_statement(dialect: str) -> Select[Any]:
    """Whether any entry lies below a channel: one step into the index, the range of paths `<path>/…` between
    `<path>/` and `<path>0` ('0' follows '/'), in code-point order — PostgreSQL is told to compare so (its
    database's collation may order "/" elsewhere); the prefix is checked too, which makes it exact."""
    path = PageEntry.channel_path.collate("C") if dialect == "postgresql" else PageEntry.channel_path
    found = select(PageEntry.id).where(
        path >= bindparam("prefix"),
        path < bindparam("prefix_end"),
        func.substr(PageEntry.channel_path, 1, bindparam("prefix_len")) == bindparam("prefix"),
    )
    return site_bound(found.limit(1), PageEntry)


class ListQueries:
    """Part of RenderRepository: a channel's listed entries, read for one site."""

    session: AsyncSession
    site_id: str | None

    async def listed(
        self, path: str, offset: int, limit: int, filters: Filters = Filters(), *, catalogue: bool = False
    ) -> tuple[list[Entry], int]:
        """A page of the listed entries under a channel, newest first, and how many in all (CATALOGUE_COLUMNS for
        the 信息公开目录 and thumbnail lists, else ENTRY_COLUMNS)."""
        params = self._channel_params(path) | {"offset": offset, "limit": limit} | filters.params()
        exact = not await self._below(params)
        rows = (await self.session.execute(_page_statement(filters.shape, catalogue, exact), params)).all()
        if rows and len(rows) < limit:  # the last page: it tells how many there are
            return rows, offset + len(rows)
        if not rows and offset == 0:
            return [], 0
        total = await self.session.scalar(_count_statement(filters.shape, exact), params)
        return rows, int(total or 0)

    async def listed_total(self, path: str) -> int:
        """How many entries listed() pages through under a channel."""
        params = self._channel_params(path)
        exact = not await self._below(params)
        return int(await self.session.scalar(_count_statement(Filters().shape, exact), params) or 0)

    def _channel_params(self, path: str) -> dict[str, Any]:
        prefix = path + "/"
        return {TENANT_SITE: self.site_id, "path": path, "prefix": prefix, "prefix_len": len(prefix),
                "prefix_end": path + "0"}  # fmt: skip

    async def _below(self, params: dict[str, Any]) -> bool:
        dialect = self.session.get_bind().dialect.name
        return await self.session.scalar(_below_statement(dialect), params) is not None
