"""A mirror pass's pages built by the run: its articles read in one statement, and a channel's list pages in one per
run of consecutive numbers — the same pages PageBuilder.build makes one at a time, each of which opened a unit of
work, read the site's frame and ran a statement of its own (a list page's counting every entry of its channel)."""

from __future__ import annotations

from dataclasses import replace
from itertools import groupby

from services.render.cache import Page
from services.render.models import ChannelView
from services.render.repository import Article
from services.render.service.context import RenderUnitOfWork
from services.render.service.pages import CATALOGUE_PATH, PageBuilder, list_page, redirect_keys
from services.render.service.site_context import PageRequest, SiteContext, site_context

ListRuns = dict[tuple[str, int], tuple[list[Article], int]]  # (channel path, page number) → its entries, the total


def _article_like(path: str) -> bool:
    return path.endswith(".html") and not path.rsplit("/", 1)[-1].startswith("index")


class PageRuns:
    """Builds what it can of a run of a site's paths (as a visitor gets them, in the standard variant); a path it
    leaves out — the home, feeds, a page the redirect table may answer, a closed site's — is built on its own."""

    def __init__(self, builder: PageBuilder) -> None:
        self.builder = builder
        self.deps = builder.deps

    async def build(self, site_id: str, paths: list[str]) -> dict[str, Page]:
        async with self.deps.site_uow(site_id) as uow:
            if (self.deps.hosts.site(site_id) or {}).get("status") == "closed":
                return {}
            ctx = await site_context(self.deps, uow, PageRequest(site_id, "/", "std", {}))
            plain = [p for p in paths if not redirect_keys(ctx, p)]
            articles = await uow.repo.articles([p for p in plain if _article_like(p)])
            wanted = self._list_pages(ctx, [p for p in plain if not _article_like(p)])
            runs = await self._read_runs(uow, wanted)
        pages = {row.url_path: self._article(ctx, row) for row in articles}  # read, then built outside the transaction
        for path, (channel, number) in wanted.items():
            items, total = runs[channel.path, number]
            pages[path] = self.builder.listing(_at(ctx, path), channel, number, items, total)
        return pages

    def _article(self, ctx: SiteContext, row: Article) -> Page:
        return self.builder.article(_at(ctx, row.url_path), row, row if row.state is not None else None)

    def _list_pages(self, ctx: SiteContext, paths: list[str]) -> dict[str, tuple[ChannelView, int]]:
        """The paths that are pages of list or topic channels (the catalogue filters: built on its own)."""
        found = {}
        for path in paths:
            channel, number = list_page(ctx, path)
            listed = channel is not None and channel.snapshot["kind"] in ("list", "topic")
            if listed and channel.path != CATALOGUE_PATH and path.endswith(("/", ".html")) and path != "/":
                found[path] = (channel, number)
        return found

    async def _read_runs(self, uow: RenderUnitOfWork, wanted: dict[str, tuple[ChannelView, int]]) -> ListRuns:
        """Each wanted page's entries and its channel's total, in one read per run of consecutive numbers."""
        size, found = self.deps.settings.page_size, {}
        channels = {channel.path: channel for channel, _ in wanted.values()}
        for path in channels:
            numbers = sorted({n for c, n in wanted.values() if c.path == path})
            for _, run in groupby(enumerate(numbers), key=lambda pair: pair[1] - pair[0]):
                run_numbers = [n for _, n in run]
                first = run_numbers[0]
                items, total = await uow.repo.listed(path, (first - 1) * size, size * len(run_numbers))
                for n in run_numbers:
                    found[path, n] = (items[(n - first) * size : (n - first + 1) * size], total)
        return found


def _at(ctx: SiteContext, path: str) -> SiteContext:
    """The site's context for one page of the run (pages name their own path: the 适老化 link, the canonical URL)."""
    return replace(ctx, path=path)
