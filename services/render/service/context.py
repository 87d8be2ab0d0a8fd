"""What the render use cases share: sessions, blobs, settings, the page cache and the host table."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Self

from services.render.cache import PageCache, redirects_tag, site_of
from services.render.config import RenderSettings
from services.render.repository import RenderRepository
from services.render.service.data_pages import DataClient
from services.render.service.letters_client import LettersClient
from services.render.service.redirect_shapes import RedirectShapes
from services.render.service.search_client import SearchClient
from shared.blobs import BlobStore
from shared.db.engine import Database
from shared.db.uow import UnitOfWork
from shared.tenancy import PLATFORM, TenantScope, site_scope


class RenderUnitOfWork(UnitOfWork):
    repo: RenderRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.repo = RenderRepository(self.session, self.scope.site_id)
        self._before_commit: list[Callable[[], Awaitable[None]]] = []
        return self

    def before_commit(self, write: Callable[[], Awaitable[None]]) -> None:
        """Run `write` in this transaction just before it commits: rows gathered over a batch of events, written
        in one statement (never if the transaction rolls back)."""
        self._before_commit.append(write)

    async def commit(self) -> None:
        writes, self._before_commit = self._before_commit, []
        for write in writes:
            await write()
        await super().commit()

    async def rollback(self) -> None:
        self._before_commit = []
        await super().rollback()


@dataclass(frozen=True, slots=True)
class SiteHost:
    """What a Host header resolves to."""

    site_id: str
    is_main: bool
    main_domain: str
    status: str


@dataclass
class HostTable:
    """Host name → site, kept in memory from the site views (every request needs it, none may wait for it)."""

    preview_suffix: str
    _hosts: dict[str, SiteHost] = field(default_factory=dict)
    _sites: dict[str, dict[str, Any]] = field(default_factory=dict)

    def load(self, site: dict[str, Any]) -> None:
        for host, ref in list(self._hosts.items()):
            if ref.site_id == site["id"]:
                del self._hosts[host]
        main = site["main_domain"]
        for host in site["domains"]:
            self._hosts[host.lower()] = SiteHost(site["id"], host == main, main, site["status"])
        self._sites[site["id"]] = site

    def resolve(self, host: str) -> SiteHost | None:
        name = host.split(":", 1)[0].strip().lower().rstrip(".")
        found = self._hosts.get(name)
        if found is None and self.preview_suffix and name.endswith(self.preview_suffix):
            site = self._sites.get(name.removesuffix(self.preview_suffix))
            if site is not None:  # the preview host is served as it is, never redirected
                return SiteHost(site["id"], True, site["main_domain"], site["status"])
        return found

    def site(self, site_id: str) -> dict[str, Any] | None:
        return self._sites.get(site_id)

    def site_ids(self) -> list[str]:
        return sorted(self._sites)

    def sites(self) -> list[dict[str, Any]]:
        return [self._sites[site_id] for site_id in self.site_ids()]


@dataclass(frozen=True, slots=True)
class SiteFrame:
    """What every page of a site reads the same way: its theme choices and its channels. Kept per site in memory,
    dropped with the site's pages (`site:<id>`)."""

    theme: dict[str, Any]
    channels: list[Any]  # ChannelView rows, read once and never written through


@dataclass
class RenderDeps:
    """Everything the use cases need, built once by create_app()."""

    database: Database
    blobs: BlobStore
    settings: RenderSettings
    cache: PageCache
    hosts: HostTable
    on_change: Callable[[str, set[str]], None] = lambda site_id, tags: None
    search: SearchClient | None = None  # where the sites' search page asks (none: no search box, no page)
    letters: LettersClient | None = None  # where the 互动交流 pages ask (none: those pages answer 404)
    data: DataClient | None = None  # where the 数据开放 pages ask (none: those pages answer 404)
    frames: dict[str, SiteFrame] = field(default_factory=dict)
    redirect_shapes: RedirectShapes = field(default_factory=RedirectShapes)

    def changed(self, site_id: str, tags: set[str]) -> None:
        """After a commit: drop the pages (and site frames) built from `tags`, and tell the mirror. A site's
        redirect shape is read again too: what another process wrote to its table is seen then, as before."""
        self.cache.invalidate(tags)
        for tag in tags:
            if (site := site_of(tag)) is not None:
                self.frames.pop(site, None)
                self.redirect_shapes.forget(site)
        self.on_change(site_id, tags)

    def redirects_changed(self, site_id: str, keys: Iterable[str]) -> None:
        """After a commit of the redirect table (`keys` added or replaced): its answers and 404s go, and pages
        look the new keys up; no page's content changed, so the mirror has nothing to write."""
        self.redirect_shapes.written(site_id, keys)
        self.cache.invalidate({redirects_tag(site_id)})

    def uow(self, scope: TenantScope) -> RenderUnitOfWork:
        return RenderUnitOfWork(self.database, scope=scope)

    def site_uow(self, site_id: str) -> RenderUnitOfWork:
        return self.uow(site_scope(site_id))

    def platform_uow(self) -> RenderUnitOfWork:
        """Events span sites (a document appears on every site that reposts it); so does the host table."""
        return self.uow(PLATFORM)
