"""Queries over the render read model. In a site scope the tenant guard adds `site_id = …` to each of them;
the statements every page runs are built once and bound to the site instead (`site_bound`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.render.models import ChannelView, DocumentView, PageEntry, Preview, SiteView, ThemeSettings
from services.render.redirect_queries import RedirectQueries
from shared.clock import CHINA
from shared.tenancy import TENANT_SITE, site_bound

IN_LIST = 1000  # ids of one IN (…) list: well below either database's limit of bound parameters
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
Article = Row[Any]  # a row of ENTRY_COLUMNS and VIEW_COLUMNS: an article page's entry and its document's view
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


def under(path: str) -> ColumnElement[bool]:
    """Entries of a channel and of every channel below it (no LIKE: slugs may contain `_`)."""
    return or_(PageEntry.channel_path == path, func.substr(PageEntry.channel_path, 1, len(path) + 1) == path + "/")


def _under_bound() -> ColumnElement[bool]:
    prefix = func.substr(PageEntry.channel_path, 1, bindparam("prefix_len"))
    return or_(PageEntry.channel_path == bindparam("path"), prefix == bindparam("prefix"))


@functools.cache
def _listed_statement(shape: tuple[bool, ...], catalogue: bool) -> Select[Any]:
    """A page of a channel's listed entries with the count of all of them (a window: one statement)."""
    topic, year, body, validity, q, with_cover = shape
    where = [PageEntry.listed.is_(True), _under_bound()]
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
    columns = CATALOGUE_COLUMNS if catalogue else ENTRY_COLUMNS
    query = select(*columns, func.count().over().label("total")).where(*where)
    query = query.order_by(PageEntry.published_at.desc(), PageEntry.id.desc())
    return site_bound(query.offset(bindparam("offset")).limit(bindparam("limit")), PageEntry)


@functools.cache
def _count_statement(shape: tuple[bool, ...]) -> Select[Any]:
    """How many there are when the page asked for lies past the end (the window then has no row)."""
    inner = _listed_statement(shape, False).limit(None).offset(None).subquery()
    return select(func.count()).select_from(inner).execution_options(site_bound=True)  # the inner one filters


# How many entries a channel lists (with its subchannels'): a count, not the window of a page's statement, which
# sorts every entry of the channel (a mirror pass asks this of each channel it writes).
LISTED_TOTAL = site_bound(select(func.count()).where(PageEntry.listed.is_(True), _under_bound()), PageEntry)


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


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """A calendar year as Chinese readers count it (China time), for 年度 filters."""
    return datetime(year, 1, 1, tzinfo=CHINA), datetime(year + 1, 1, 1, tzinfo=CHINA)


class RenderRepository(RedirectQueries):
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

    async def listed(
        self, path: str, offset: int, limit: int, filters: Filters = Filters(), *, catalogue: bool = False
    ) -> tuple[list[Entry], int]:
        """A page of the listed entries under a channel, newest first, and how many in all (CATALOGUE_COLUMNS for
        the 信息公开目录 and thumbnail lists, else ENTRY_COLUMNS)."""
        params: dict[str, Any] = {TENANT_SITE: self.site_id, "path": path, "prefix": path + "/"}
        params |= {"prefix_len": len(path) + 1, "offset": offset, "limit": limit} | filters.params()
        rows = (await self.session.execute(_listed_statement(filters.shape, catalogue), params)).all()
        if rows:
            return rows, rows[0].total
        if offset == 0:
            return [], 0
        total = await self.session.scalar(_count_statement(filters.shape), params)
        return [], int(total or 0)

    async def listed_total(self, path: str) -> int:
        """How many entries listed() pages through under a channel."""
        params = {TENANT_SITE: self.site_id, "path": path, "prefix": path + "/", "prefix_len": len(path) + 1}
        return int(await self.session.scalar(LISTED_TOTAL, params) or 0)

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

    async def sitemap(self) -> list[tuple[str, datetime]]:
        rows = await self.session.execute(
            select(PageEntry.url_path, PageEntry.published_at)
            .where(PageEntry.listed.is_(True))
            .order_by(PageEntry.published_at.desc())
        )
        return [(path, at) for path, at in rows]

    async def preview(self, token_hash: str, now: datetime) -> Preview | None:
        query = select(Preview).where(Preview.token_hash == token_hash, Preview.expires_at > now)
        return await self.session.scalar(query)

    async def theme(self) -> ThemeSettings | None:
        return await self.session.scalar(select(ThemeSettings))
