"""Queries over the render read model. In a site scope the tenant guard adds `site_id = …` to each of them;
the statements every page runs are built once and bound to the site instead (`site_bound`)."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.render.list_queries import ENTRY_COLUMNS, Entry, ListQueries
from services.render.models import ChannelView, DocumentView, PageEntry, Preview, SiteView, ThemeSettings
from services.render.redirect_queries import RedirectQueries
from shared.clock import CHINA
from shared.tenancy import TENANT_SITE, site_bound

IN_LIST = 1000  # ids of one IN (…) list: well below either database's limit of bound parameters
Article = Row[Any]  # a row of ENTRY_COLUMNS and VIEW_COLUMNS: an article page's entry and its document's view


def under(path: str) -> ColumnElement[bool]:
    """Entries of a channel and of every channel below it (no LIKE: slugs may contain `_`)."""
    return or_(PageEntry.channel_path == path, func.substr(PageEntry.channel_path, 1, len(path) + 1) == path + "/")


@functools.cache
def _newest_statement() -> Select[Any]:
    """The newest entries of each of several channels (exactly those channels), `limit` of each: one statement."""
    newest = func.row_number().over(
        partition_by=PageEntry.channel_path, order_by=(PageEntry.published_at.desc(), PageEntry.id.desc())
    )
    where = (PageEntry.listed.is_(True), PageEntry.channel_path.in_(bindparam("paths", expanding=True)))
    inner = site_bound(select(*ENTRY_COLUMNS, PageEntry.channel_path, newest.label("rank")).where(*where), PageEntry)
    ranked = inner.subquery()
    return select(ranked).where(ranked.c.rank <= bindparam("limit")).execution_options(site_bound=True)


ENTRY_AT = site_bound(select(*ENTRY_COLUMNS).where(PageEntry.url_path == bindparam("url_path")), PageEntry)
# A repost shows another site's document: these reads cross sites on purpose (found through an own entry).
VIEW_COLUMNS = (DocumentView.state, DocumentView.notice, DocumentView.redirect_url, DocumentView.snapshot)
PLACED_DOCUMENT = select(*VIEW_COLUMNS).where(DocumentView.id == bindparam("id")).execution_options(all_sites=True)
PLACED_DOCUMENTS = (
    select(DocumentView.id, *VIEW_COLUMNS)
    .where(DocumentView.id.in_(bindparam("ids", expanding=True)))
    .order_by(DocumentView.id)
    .execution_options(all_sites=True)
)
# An article page's entry and what it shows, in one read; the entry is this site's (filtered here, not by the guard,
# which would filter the document too), its document may be another's. `state` is None when there is no view.
_ARTICLE = (
    select(*ENTRY_COLUMNS, *VIEW_COLUMNS)
    .outerjoin(DocumentView, DocumentView.id == PageEntry.document_id)
    .where(PageEntry.site_id == bindparam(TENANT_SITE))
    .execution_options(all_sites=True)
)
ARTICLE_AT = _ARTICLE.where(PageEntry.url_path == bindparam("url_path"))
ARTICLES_AT = _ARTICLE.where(PageEntry.url_path.in_(bindparam("paths", expanding=True)))  # a mirror pass's articles


class RenderRepository(ListQueries, RedirectQueries):
    def __init__(self, session: AsyncSession, site_id: str | None) -> None:
        self.session = session
        self.site_id = site_id  # None in the platform scope, where site-bound reads are refused
        self._sites: dict[str, SiteView] = {}

    async def site_view(self, site_id: str) -> SiteView | None:
        view = await self.session.get(SiteView, site_id)
        if view is not None:  # held: the session keeps unchanged rows weakly, and a batch's events ask per event
            self._sites[site_id] = view
        return view

    async def all_sites(self) -> list[SiteView]:
        return list(await self.session.scalars(select(SiteView).order_by(SiteView.id)))

    async def channel_view(self, channel_id: int) -> ChannelView | None:
        return await self.session.get(ChannelView, channel_id)

    async def channels(self) -> list[ChannelView]:
        return list(await self.session.scalars(select(ChannelView).order_by(ChannelView.position, ChannelView.id)))

    async def placed_document(self, document_id: int) -> Row[Any] | None:
        """A document this site shows, whichever site wrote it (state, notice, redirect_url, snapshot)."""
        return (await self.session.execute(PLACED_DOCUMENT, {"id": document_id})).first()

    async def placed_document_ids(self) -> list[int]:
        """Every document this site shows (its own and reposts)."""
        return list(await self.session.scalars(select(PageEntry.document_id).distinct()))

    async def placed_documents(self, document_ids: list[int]) -> list[Row[Any]]:
        """placed_document of each of these (with its id, by id), however many: a mirror pass's documents."""
        ids, rows = sorted(document_ids), []
        for start in range(0, len(ids), IN_LIST):
            rows += (await self.session.execute(PLACED_DOCUMENTS, {"ids": ids[start : start + IN_LIST]})).all()
        return rows

    async def paths_of(self, document_ids: list[int]) -> set[str]:
        """Where this site shows these documents, however many (the articles a mirror pass writes)."""
        ids, paths = list(document_ids), set()
        for start in range(0, len(ids), IN_LIST):
            chunk = ids[start : start + IN_LIST]
            paths.update(await self.session.scalars(select(PageEntry.url_path).where(PageEntry.document_id.in_(chunk))))
        return paths

    async def article(self, url_path: str) -> Article | None:
        """The entry at a path of this site (ENTRY_COLUMNS) with its document's view (VIEW_COLUMNS)."""
        return (await self.session.execute(ARTICLE_AT, {TENANT_SITE: self.site_id, "url_path": url_path})).first()

    async def articles(self, url_paths: list[str]) -> list[Article]:
        """article() of each of these paths that has an entry, however many (a mirror pass's), in one read per
        IN_LIST of them."""
        rows: list[Article] = []
        for start in range(0, len(url_paths), IN_LIST):
            params = {TENANT_SITE: self.site_id, "paths": url_paths[start : start + IN_LIST]}
            rows += (await self.session.execute(ARTICLES_AT, params)).all()
        return rows

    async def entry(self, url_path: str) -> Entry | None:
        """The entry (ENTRY_COLUMNS) at a path of this site."""
        return (await self.session.execute(ENTRY_AT, {TENANT_SITE: self.site_id, "url_path": url_path})).first()

    async def newest_by_channel(self, paths: list[str], limit: int) -> dict[str, list[Entry]]:
        """Each channel's own newest `limit` listed entries (not its subchannels'), newest first, by channel path."""
        if not paths:
            return {}
        params = {TENANT_SITE: self.site_id, "paths": paths, "limit": limit}
        found: dict[str, list[Entry]] = {}
        for row in (await self.session.execute(_newest_statement(), params)).all():
            found.setdefault(row.channel_path, []).append(row)
        return found

    async def entry_on(self, document_id: int, site_id: str) -> str | None:
        """Where another site shows the document (a closed site's page found there after its content moved)."""
        stmt = (
            select(PageEntry.url_path)
            .where(PageEntry.document_id == document_id, PageEntry.site_id == site_id)
            .limit(1)
            .execution_options(all_sites=True)
        )
        return await self.session.scalar(stmt)

    async def issuing_bodies(self, path: str) -> list[str]:
        """The 发布机构 of the catalogue's documents, for its filter."""
        rows = await self.session.scalars(
            select(PageEntry.issuing_body)
            .where(PageEntry.listed.is_(True), under(path), PageEntry.issuing_body.is_not(None))
            .distinct()
        )
        return sorted(r for r in rows if r)

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

    async def sitemap(self, limit: int) -> list[tuple[str, datetime]]:
        """The newest listed entries, at most `limit` (a sitemap file's cap: the site may hold far more)."""
        rows = await self.session.execute(
            select(PageEntry.url_path, PageEntry.published_at)
            .where(PageEntry.listed.is_(True))
            .order_by(PageEntry.published_at.desc())
            .limit(limit)
        )
        return [(path, at) for path, at in rows]

    async def listed_paths(self) -> list[str]:
        """Every listed entry's path: a whole-site mirror pass writes them all."""
        return list(await self.session.scalars(select(PageEntry.url_path).where(PageEntry.listed.is_(True))))

    async def preview(self, token_hash: str, now: datetime) -> Preview | None:
        query = select(Preview).where(Preview.token_hash == token_hash, Preview.expires_at > now)
        return await self.session.scalar(query)

    async def theme(self) -> ThemeSettings | None:
        return await self.session.scalar(select(ThemeSettings))
