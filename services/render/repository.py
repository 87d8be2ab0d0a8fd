"""Queries over the render read model. In a site scope the tenant guard adds `site_id = …` to each of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.render.models import ChannelView, DocumentView, PageEntry, Redirect, SiteView, ThemeSettings
from shared.clock import CHINA


def under(path: str) -> ColumnElement[bool]:
    """Entries of a channel and of every channel below it (no LIKE: slugs may contain `_`)."""
    return or_(PageEntry.channel_path == path, func.substr(PageEntry.channel_path, 1, len(path) + 1) == path + "/")


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A calendar year as Chinese readers count it (China time), for 年度 filters."""
    return datetime(year, 1, 1, tzinfo=CHINA), datetime(year + 1, 1, 1, tzinfo=CHINA)


class RenderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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

    async def placed_document(self, document_id: int) -> DocumentView | None:
        """A document this site shows, whichever site wrote it: a repost is another site's document, so this
        one read crosses sites on purpose (the caller found it through this site's own entry)."""
        query = select(DocumentView).where(DocumentView.id == document_id).execution_options(all_sites=True)
        return await self.session.scalar(query)

    async def entries_of(self, document_id: int) -> list[PageEntry]:
        return list(await self.session.scalars(select(PageEntry).where(PageEntry.document_id == document_id)))

    async def entry(self, url_path: str) -> PageEntry | None:
        return await self.session.scalar(select(PageEntry).where(PageEntry.url_path == url_path))

    async def listed(
        self, path: str, offset: int, limit: int, *, topic: str | None = None, year: int | None = None
    ) -> tuple[list[PageEntry], int]:
        """A page of the listed entries under a channel, newest first, and how many there are in all."""
        where = [PageEntry.listed.is_(True), under(path)]
        if topic:
            where.append(PageEntry.topic_category == topic)
        if year:
            start, end = year_bounds(year)
            where += [PageEntry.published_at >= start, PageEntry.published_at < end]
        total = await self.session.scalar(select(func.count(PageEntry.id)).where(*where))
        rows = await self.session.scalars(
            select(PageEntry)
            .where(*where)
            .order_by(PageEntry.published_at.desc(), PageEntry.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return list(rows), int(total or 0)

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
