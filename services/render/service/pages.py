"""Building a site's pages from the read model: which page a path is, and what it shows."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from services.render.cache import SITE_GROUP_TAG, Page, entries_tag, list_tag, redirects_tag, site_tag
from services.render.list_queries import Entry
from services.render.models import ChannelView, Preview
from services.render.repository import Article
from services.render.service import closed_sites
from services.render.service.catalogue import BadParameter, catalogue_context, catalogue_filters
from services.render.service.context import RenderDeps, RenderUnitOfWork
from services.render.service.data_pages import data_view
from services.render.service.feeds import channel_rss, robots_txt, sitemap_xml
from services.render.service.home import configured_blocks, home_blocks
from services.render.service.letters_pages import DISCLOSURE, LOOKUP, WRITE, SubmittedForm, letters_answer
from services.render.service.listing import entry_item, pager
from services.render.service.previews import token_hash
from services.render.service.search_page import search_context
from services.render.service.site_context import PageRequest, SiteContext, site_context
from services.render.themes import Themes
from shared.events.content import PublicState

HTML = "text/html; charset=utf-8"
_LIST_PAGE = re.compile(r"^(?P<channel>.*?)/?(?:index(?:_(?P<n>[1-9][0-9]{0,4}))?\.html)?$")
CATALOGUE_PATH = "zfxxgk"


class PageBuilder:
    def __init__(self, deps: RenderDeps, themes: Themes) -> None:
        self.deps = deps
        self.themes = themes

    async def build(self, request: PageRequest) -> Page:
        async with self.deps.site_uow(request.site_id) as uow:
            if (self.deps.hosts.site(request.site_id) or {}).get("status") == "closed":
                return await closed_sites.forward(self.deps, uow, request)
            ctx = await site_context(self.deps, uow, request)
            keys = redirect_keys(ctx, request.path)
            redirect = await uow.repo.first_redirect(keys) if keys else None
            if redirect is not None:
                tags = {site_tag(ctx.site_id), redirects_tag(ctx.site_id)}
                if redirect.target is None:
                    return self.error(ctx, 410, ctx.t["gone_page"], tags)
                return redirect_page(redirect.target, ctx, tags=tags)
            return await self._route(uow, ctx, request)

    async def legacy(self, request: PageRequest, keys: tuple[str, ...]) -> Page | None:
        """A legacy URL asked for on a legacy host, with its query (`/content.jsp?id=12`) or as a migrated body's
        link: the redirect table's answer for the first key it has; None when it has none."""
        async with self.deps.site_uow(request.site_id) as uow:
            ctx = await site_context(self.deps, uow, request)
            if not ctx.redirects:
                return None
            redirect = await uow.repo.first_redirect(keys)
            if redirect is None:
                return None
            if redirect.target is None:
                return self.error(ctx, 410, ctx.t["gone_page"], {site_tag(ctx.site_id)})
            return redirect_page(redirect.target, ctx)

    async def _route(self, uow: RenderUnitOfWork, ctx: SiteContext, request: PageRequest) -> Page:
        path = request.path
        if path in ("/", "/index.html"):
            return await self.home(uow, ctx)
        if path == "/robots.txt":
            return robots_txt(ctx, self.cache_control())
        if path == "/sitemap.xml":
            return await sitemap_xml(uow, ctx, self.cache_control())
        if path.endswith("/rss.xml"):
            feed = await channel_rss(
                uow, ctx, path.strip("/").removesuffix("rss.xml").rstrip("/"), self.cache_control()
            )
            if feed is not None:
                return feed
        if path == "/sitemap.html":
            return self.html(ctx, "sitemap.html", {"tree": ctx.tree}, {site_tag(ctx.site_id)}, column=None)
        if path.endswith(".html") and not path.rsplit("/", 1)[-1].startswith("index"):
            entry = await uow.repo.article(path)  # with its document's view: one read
            if entry is not None:
                return self.article(ctx, entry, entry if entry.state is not None else None)
        channel, number = list_page(ctx, path)
        if channel is None:
            tags = {site_tag(ctx.site_id), entries_tag(ctx.site_id), redirects_tag(ctx.site_id)}
            return self.error(ctx, 404, ctx.t["not_found"], tags)
        if not path.endswith(("/", ".html")):
            return redirect_page(ctx.url(f"/{channel.path}/"), ctx)
        return await self.channel(uow, ctx, channel, number, request.params)

    async def home(self, uow: RenderUnitOfWork, ctx: SiteContext) -> Page:
        blocks = await home_blocks(self.deps, uow, ctx)
        tags = {site_tag(ctx.site_id), entries_tag(ctx.site_id)}
        if any(b["kind"] == "site_group" for b in configured_blocks(ctx)):  # shown or not yet: any site opening
            tags.add(SITE_GROUP_TAG)
        return self.html(ctx, "home.html", {"home": blocks}, tags, column=None)

    async def channel(
        self, uow: RenderUnitOfWork, ctx: SiteContext, channel: ChannelView, number: int, params: dict[str, str]
    ) -> Page:
        snap = channel.snapshot
        tags = {site_tag(ctx.site_id), list_tag(ctx.site_id, channel.path)}
        if snap["kind"] == "link" and snap["link_url"]:
            return redirect_page(snap["link_url"], ctx, status=302)
        if snap["kind"] == "page":
            items, _ = await uow.repo.listed(channel.path, 0, 1)
            doc = await self._document(uow, items[0]) if items else None
            tags |= {f"doc:{items[0].document_id}"} if items else set()
            return self.html(ctx, "single.html", {"channel": snap, "doc": doc}, tags, column=channel)
        if channel.path == CATALOGUE_PATH:
            return await self.catalogue(uow, ctx, channel, params, tags)
        size = self.deps.settings.page_size
        items, total = await uow.repo.listed(channel.path, (number - 1) * size, size)
        return self.listing(ctx, channel, number, items, total)

    def listing(self, ctx: SiteContext, channel: ChannelView, number: int, items: list[Entry], total: int) -> Page:
        """Page `number` of a list or topic channel: its entries, of `total` listed in all."""
        snap = channel.snapshot
        tags = {site_tag(ctx.site_id), list_tag(ctx.site_id, channel.path)}
        pages = max(1, -(-total // self.deps.settings.page_size))
        if number > pages:
            return self.error(ctx, 404, ctx.t["not_found"], tags)
        context = {
            "channel": snap,
            "children": [c.snapshot for c in ctx.children(channel.id)],
            "items": [entry_item(e) for e in items],
            "pager": pager(f"/{channel.path}/", number, pages, total),
        }
        return self.html(
            ctx, "topic.html" if snap["kind"] == "topic" else "channel.html", context, tags, column=channel
        )

    async def catalogue(
        self, uow: RenderUnitOfWork, ctx: SiteContext, channel: ChannelView, params: dict[str, str], tags: set[str]
    ) -> Page:
        """政府信息公开目录: the column's own tree, then every disclosed document, found and filtered."""
        try:
            filters, number = catalogue_filters(params)
        except BadParameter as bad:
            return self.error(ctx, 400, ctx.t["bad_parameter"].format(field=bad.field, problem=bad), tags)
        size = self.deps.settings.page_size
        context = await catalogue_context(uow, ctx, channel, filters, number, size)
        return self.html(ctx, "catalogue.html", context, tags | {entries_tag(ctx.site_id)}, column=channel)

    def article(self, ctx: SiteContext, entry: Entry, view: Article | None) -> Page:
        tags = {site_tag(ctx.site_id), f"doc:{entry.document_id}"}
        if view is None or view.state == PublicState.GONE:
            return self.error(ctx, 410, ctx.t["deleted"], tags)
        if view.state == PublicState.REDIRECTED and view.redirect_url:
            return redirect_page(view.redirect_url, ctx, tags=tags)
        doc = view.snapshot if view.state == PublicState.LIVE else notice_only(view.snapshot)
        channel = ctx.channel_by_id(entry.channel_id)
        source = self.deps.hosts.site(doc["site_id"])
        canonical = ctx.url(entry.url_path)
        if entry.kind != "primary" and source is not None:  # 转载: the original is the canonical page
            canonical = f"{self.deps.settings.public_base_scheme}://{source['main_domain']}{doc['url_path']}"
        context = {
            "doc": doc,
            "state": view.state,
            "notice": view.notice,
            "channel": channel.snapshot if channel else None,
            "entry": entry_item(entry),
            "source_site": source,
        }
        return self.html(ctx, "article.html", context, tags, column=channel, canonical=canonical, article=doc)

    async def search(self, request: PageRequest) -> Page:
        """The site's search page: its frame, and what the search service answers (or why it cannot)."""
        async with self.deps.site_uow(request.site_id) as uow:
            ctx = await site_context(self.deps, uow, request)
        if self.deps.search is None:
            return self.error(ctx, 404, ctx.t["not_found"], set())
        status, context = await search_context(self.deps.search, ctx, request.params)
        title = f"{ctx.t['search']}：{context['q']}" if context["q"] else ctx.t["search"]
        body = self.themes.render(
            ctx.theme_name, ctx.site_id, "search.html", ctx.template_context(context, column=None, title=title)
        )
        page = Page(status, body.encode(), HTML, cache_control="no-store", styles=(ctx.theme_style,))
        page.headers.append((b"x-robots-tag", b"noindex, follow"))  # results pages are not content
        return page

    async def letters(self, request: PageRequest, submitted: SubmittedForm | None = None) -> Page:
        """A 互动交流 page (or the answer to its form): the site's frame around what the interaction desk says."""
        async with self.deps.site_uow(request.site_id) as uow:
            ctx = await site_context(self.deps, uow, request)
        if self.deps.letters is None:
            return self.error(ctx, 404, ctx.t["not_found"], set())
        view = await letters_answer(self.deps.letters, ctx.site_id, request, submitted)
        column = ctx.channel_by_path("zfxxgk" if request.path.startswith("/zfxxgk/") else "hdjl")
        context = ctx.template_context(view.context, column=column, title=view.title)
        body = self.themes.render(ctx.theme_name, ctx.site_id, view.template, context)
        page = Page(view.status, body.encode(), HTML, cache_control="no-store", styles=(ctx.theme_style,))
        if submitted is not None or request.path in (LOOKUP, WRITE, DISCLOSURE):
            page.headers.append((b"x-robots-tag", b"noindex, nofollow"))  # forms and one person's letter
        return page

    async def data(self, request: PageRequest) -> Page:
        """A 数据开放 page: the site's frame around what the open-data portal says (built on every request)."""
        async with self.deps.site_uow(request.site_id) as uow:
            ctx = await site_context(self.deps, uow, request)
        if self.deps.data is None:
            return self.error(ctx, 404, ctx.t["not_found"], set())
        view = await data_view(self.deps.data, ctx.site, ctx.url("/").rstrip("/"), request.path, request.params)
        context = ctx.template_context(view.context, column=ctx.channel_by_path("sjkf"), title=view.title)
        body = self.themes.render(ctx.theme_name, ctx.site_id, view.template, context)
        return Page(view.status, body.encode(), HTML, cache_control="no-store", styles=(ctx.theme_style,))

    async def preview(self, request: PageRequest, token: str) -> Page:
        """A page at its preview link — a draft, or the home with theme settings not saved — on the site's theme as
        it will be; private, never indexed."""
        async with self.deps.site_uow(request.site_id) as uow:
            ctx = await site_context(self.deps, uow, request)
            found = await uow.repo.preview(token_hash(token), datetime.now(UTC))
            if found is None:
                page = self.error(ctx, 404, "预览链接不存在或已过期", set())
            elif found.kind == "home":
                ctx = replace(ctx, theme=ctx.theme | found.snapshot)
                blocks = await home_blocks(self.deps, uow, ctx)
                page = self.html(ctx, "home.html", {"home": blocks, "preview": _until(found)}, set(), column=None)
            else:
                page = self._draft(ctx, found)
        private = Page(page.status, page.body, HTML, cache_control="private, no-store", styles=page.styles)
        private.headers.append((b"x-robots-tag", b"noindex, nofollow"))
        return private

    def _draft(self, ctx: SiteContext, found: Preview) -> Page:
        doc = found.snapshot
        channel = ctx.channel_by_id(doc["channel_id"])
        context = {"doc": doc, "state": PublicState.LIVE, "notice": None, "source_site": None, "preview": _until(found)}
        context |= {"channel": channel.snapshot if channel else None, "entry": {"kind": "primary"}}
        canonical = ctx.url(doc["url_path"] or "/")
        return self.html(ctx, "article.html", context, set(), column=channel, canonical=canonical, article=doc)

    async def _document(self, uow: RenderUnitOfWork, entry: Entry) -> dict[str, Any] | None:
        view = await self._document_view(uow, entry.document_id)
        return view.snapshot if view is not None and view.state == PublicState.LIVE else None

    async def _document_view(self, uow: RenderUnitOfWork, document_id: int):
        return await uow.repo.placed_document(document_id)

    def html(self, ctx: SiteContext, template: str, extra: dict[str, Any], tags: set[str], **meta: Any) -> Page:
        body = self.themes.render(ctx.theme_name, ctx.site_id, template, ctx.template_context(extra, **meta))
        return Page(200, body.encode(), HTML, frozenset(tags), self.cache_control(), styles=(ctx.theme_style,))

    def error(self, ctx: SiteContext, status: int, message: str, tags: set[str]) -> Page:
        context = ctx.template_context({"status": status, "message": message}, column=None, title=message)
        body = self.themes.render(ctx.theme_name, ctx.site_id, "error.html", context)
        return Page(status, body.encode(), HTML, frozenset(tags), self.cache_control(), styles=(ctx.theme_style,))

    def cache_control(self) -> str:
        s = self.deps.settings
        stale = s.stale_seconds
        return f"public, max-age={s.max_age_seconds}, stale-while-revalidate={stale}, stale-if-error={stale}"


def redirect_keys(ctx: SiteContext, path: str) -> tuple[str, ...]:
    """The keys of a page the site's redirect table may hold: a migration's (with its host), an admin's."""
    keys = (f"//{ctx.site['main_domain']}{path}", path)
    return tuple(k for k in keys if ctx.redirects.may_have(k))  # a migrated site's keys name old hosts


def list_page(ctx: SiteContext, path: str) -> tuple[ChannelView | None, int]:
    """The channel whose list page a path is (None: no channel's), and the page's number."""
    match = _LIST_PAGE.match(path.strip("/") if path.endswith("/") else path.lstrip("/"))
    if match is None:
        return None, 1
    return ctx.channel_by_path(match["channel"]), int(match["n"] or 1)


def _until(found: Preview) -> dict[str, Any]:
    return {"expires_at": found.expires_at}


def notice_only(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What stays public of a document taken down: its title, address and date, for the notice that replaces
    it. Its text, summary, keywords, files, metadata and links are gone (from the page, its meta tags, the mirror)."""
    kept = {k: snapshot.get(k) for k in ("id", "site_id", "title", "url_path", "published_at", "first_published_at")}
    empty = {"subtitle": None, "body_html": "", "summary": None, "author": None, "source": None, "keywords": []}
    return (
        kept | empty | {"cover": None, "attachments": [], "disclosure": None, "interpretations": [], "interprets": []}
    )


def redirect_page(target: str, ctx: SiteContext, *, status: int = 301, tags: set[str] | None = None) -> Page:
    body = f'<!doctype html><html lang="{ctx.lang}"><title>{target}</title><a href="{target}">{target}</a></html>'
    return Page(status, body.encode(), HTML, frozenset(tags or {site_tag(ctx.site_id)}), "public, max-age=300", target)
