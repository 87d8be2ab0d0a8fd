"""Queries over the render read model. In a site scope the tenant guard adds `site_id = …` to each of them;
the statements every page runs are built once and bound to the site instead (`site_bound`)."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, bindparam, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.render.models import ChannelView, DocumentView, PageEntry, Redirect, SiteView, ThemeSettings
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
)
Entry = Row[Any]  # a row of ENTRY_COLUMNS


def under(path: str) -> ColumnElement[bool]:
    """Entries of a channel and of every channel below it (no LIKE: slugs may contain `_`)."""
    return or_(PageEntry.channel_path == path, func.substr(PageEntry.channel_path, 1, len(path) + 1) == path + "/")


def _under_bound() -> ColumnElement[bool]:
    prefix = func.substr(PageEntry.channel_path, 1, bindparam("prefix_len"))
    return or_(PageEntry.channel_path == bindparam("path"), prefix == bindparam("prefix"))


@functools.cache
def _listed_statement(topic: bool, year: bool) -> Select[Any]:
    """A page of a channel's listed entries with the count of all of them (a window: one statement)."""
    where = [PageEntry.listed.is_(True), _under_bound()]
    if topic:
        where.append(PageEntry.topic_category == bindparam("topic"))
    if year:
        where += [PageEntry.published_at >= bindparam("start"), PageEntry.published_at < bindparam("end")]
    query = select(*ENTRY_COLUMNS, func.count().over().label("total")).where(*where)
    query = query.order_by(PageEntry.published_at.desc(), PageEntry.id.desc())
    return site_bound(query.offset(bindparam("offset")).limit(bindparam("limit")), PageEntry)


@functools.cache
def _count_statement(topic: bool, year: bool) -> Select[Any]:
    """How many there are when the page asked for lies past the end (the window then has no row)."""
    inner = _listed_statement(topic, year).limit(None).offset(None).subquery()
    return select(func.count()).select_from(inner).execution_options(site_bound=True)  # the inner one filters


ENTRY_AT = site_bound(select(*ENTRY_COLUMNS).where(PageEntry.url_path == bindparam("url_path")), PageEntry)
# A repost shows another site's document: this read crosses sites on purpose (found through an own entry).
PLACED_DOCUMENT = (
    select(DocumentView.state, DocumentView.notice, DocumentView.redirect_url, DocumentView.snapshot)
    .where(DocumentView.id == bindparam("id"))
    .execution_options(all_sites=True)
)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A calendar year as Chinese readers count it (China time), for 年度 filters."""
    return datetime(year, 1, 1, tzinfo=CHINA), datetime(year + 1, 1, 1, tzinfo=CHINA)


class RenderRepository:
    def __init__(self, session: AsyncSession, site_id: str | None) -> None:
        self.session = session
        self.site_id = site_id  # None in the platform scope, where site-bound reads are refused

    async def site_view(self, site_id: str) -> SiteView | None:
        return await self.session.get(SiteView, site_id)

    async def all_sites(self) -> list[SiteView]:
        return list(await self.session.scalars(select(SiteView).order_by(SiteView.id)))

    async def channel_view(self, channel_id: int) -> ChannelView | None:
        return await self.session.get(ChannelView, channel_id)

    async def channels(self) -> list[ChannelView]:
        return list(await self.session.scalars(select(ChannelView).order_by(ChannelView.position, ChannelView.id)))

    async def document_view(self, document_id: int) -> DocumentView | None:
        return await self.session.get(DocumentView, document_id)

    async def placed_document(self, document_id: int) -> Row[Any] | None:
        """A document this site shows, whichever site wrote it (state, notice, redirect_url, snapshot)."""
        return (await self.session.execute(PLACED_DOCUMENT, {"id": document_id})).first()

    async def placed_document_ids(self) -> list[int]:
        """Every document this site shows (its own and reposts)."""
        return list(await self.session.scalars(select(PageEntry.document_id).distinct()))

    async def entries_of(self, document_id: int) -> list[PageEntry]:
        return list(await self.session.scalars(select(PageEntry).where(PageEntry.document_id == document_id)))

    async def entry(self, url_path: str) -> Entry | None:
        """The entry (ENTRY_COLUMNS) at a path of this site."""
        return (await self.session.execute(ENTRY_AT, {TENANT_SITE: self.site_id, "url_path": url_path})).first()

    async def listed(
        self, path: str, offset: int, limit: int, *, topic: str | None = None, year: int | None = None
    ) -> tuple[list[Entry], int]:
        """A page of the listed entries (ENTRY_COLUMNS) under a channel, newest first, and how many in all."""
        params: dict[str, Any] = {TENANT_SITE: self.site_id, "path": path, "prefix": path + "/"}
        params |= {"prefix_len": len(path) + 1, "offset": offset, "limit": limit}
        if topic:
            params["topic"] = topic
        if year:
            params["start"], params["end"] = year_bounds(year)
        rows = (await self.session.execute(_listed_statement(bool(topic), bool(year)), params)).all()
        if rows:
            return rows, rows[0].total
        if offset == 0:
            return [], 0
        total = await self.session.scalar(_count_statement(bool(topic), bool(year)), params)
        return [], int(total or 0)

    async def topics(self, path: str) -> list[str]:
        rows = await self.session.scalars(
            select(PageEntry.topic_category)
            .where(PageEntry.listed.is_(True), under(path), PageEntry.topic_category.is_not(None))
            .distinct()
        )
        return sorted(r for r in rows if r)

    async def years(self, path: str) -> list[int]:
        stamps = await self.session.scalars(
            select(PageEntry.published_at).where(PageEntry.listed.is_(True), under(path))
        )
        return sorted({s.astimezone(CHINA).year for s in stamps}, reverse=True)

    async def sitemap(self) -> list[tuple[str, datetime]]:
        rows = await self.session.execute(
            select(PageEntry.url_path, PageEntry.published_at)
            .where(PageEntry.listed.is_(True))
            .order_by(PageEntry.published_at.desc())
        )
        return [(path, at) for path, at in rows]

    async def redirect(self, old_path: str) -> Redirect | None:
        return await self.session.scalar(select(Redirect).where(Redirect.old_path == old_path))

    async def has_redirects(self) -> bool:
        return await self.session.scalar(select(Redirect.id).limit(1)) is not None

    async def redirects(self) -> list[Redirect]:
        return list(await self.session.scalars(select(Redirect).order_by(Redirect.old_path)))

    async def delete_redirect(self, old_path: str) -> int:
        result = await self.session.execute(delete(Redirect).where(Redirect.old_path == old_path))
        return result.rowcount or 0

    async def theme(self) -> ThemeSettings | None:
        return await self.session.scalar(select(ThemeSettings))
