"""The composition root of the render service: create_app(settings) builds everything, nothing before."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from services.render.api import PREFIX, router
from services.render.cache import PageCache
from services.render.config import RenderSettings
from services.render.consumers import register_consumers
from services.render.pages_asgi import PageServer
from services.render.service.context import HostTable, RenderDeps
from services.render.service.data_pages import DataClient
from services.render.service.letters_client import LettersClient
from services.render.service.mirror import MirrorWriter
from services.render.service.mirror_files import HttpFiles
from services.render.service.misses import MissCounter
from services.render.service.page_runs import PageRuns
from services.render.service.pages import PageBuilder
from services.render.service.search_client import SearchClient
from services.render.service.views import ViewCounter
from services.render.themes import Themes
from shared.auth import JwksSource, TokenVerifier
from shared.auth.revocations import follow_revocations
from shared.blobs import BlobStore
from shared.bus import EventBus
from shared.db.migrate import Schema
from shared.events.content import CHANNELS_TOPIC, DOCUMENTS_TOPIC, SITES_TOPIC
from shared.events.render import VIEWS_TOPIC
from shared.events.transition import URLMAP_TOPIC
from shared.runtime import ServiceRuntime
from shared.web import RequestContextMiddleware

SCHEMA = Schema("render", Path(__file__).parent / "migrations")


async def migrate(settings: RenderSettings) -> None:
    await SCHEMA.upgrade(settings.database_url)


class RenderRuntime(ServiceRuntime):
    """The read model's database, the bus it follows, the blobs of the mirror; the page server; the mirror."""

    name = "render"

    def __init__(
        self,
        settings: RenderSettings,
        *,
        bus: EventBus | None = None,
        blobs: BlobStore | None = None,
        files: HttpFiles | None = None,
        search: httpx.AsyncBaseTransport | None = None,
        letters: httpx.AsyncBaseTransport | None = None,
        data: httpx.AsyncBaseTransport | None = None,
    ):
        super().__init__(settings)
        self.settings = settings
        self.use_bus(settings, bus)
        self.use_blobs(settings, blobs)
        self.deps = RenderDeps(
            self.database, self.blobs, settings, PageCache(settings.cache_max_pages), HostTable(settings.preview_suffix)
        )
        self.pages = PageServer(
            self.deps,
            PageBuilder(self.deps, Themes(settings.templates_dir, auto_reload=settings.templates_auto_reload)),
        )
        if search is not None or settings.search_url:
            self.deps.search = SearchClient(settings.search_url or "http://search.internal", transport=search)
        if letters is not None or settings.interaction_url:
            base = settings.interaction_url or "http://interaction.internal"
            self.deps.letters = LettersClient(base, transport=letters)
        if data is not None or settings.opendata_url:
            self.deps.data = DataClient(settings.opendata_url or "http://opendata.internal", transport=data)
        self.files = files or (HttpFiles(settings.mirror_files_url) if settings.mirror_files_url else None)
        self.mirror = MirrorWriter(
            self.deps,
            lambda site_id, path: self.pages.page(site_id, path, "std", {}, keep=False),
            self.pages.asset_files(),
            files=self.files,
            runs=PageRuns(self.pages.builder).build,
        )
        if settings.views_every_seconds:
            self.pages.views = ViewCounter(self.bus, settings.views_every_seconds)
            self.pages.misses = MissCounter(self.bus, settings.views_every_seconds)
            self.workers += [self.pages.views, self.pages.misses]
        if settings.mirror_enabled:
            self.deps.on_change = self.mirror.changed
            self.workers.append(self.mirror)
        self.verifier = TokenVerifier(
            JwksSource(settings.auth_jwks_url), issuer=settings.auth_issuer, audience=settings.auth_audience
        )

    async def prepare(self) -> None:
        async with self.deps.platform_uow() as uow:
            for site in await uow.repo.all_sites():
                self.deps.hosts.load(site.snapshot)
        self.bus.declare([SITES_TOPIC, CHANNELS_TOPIC, DOCUMENTS_TOPIC, VIEWS_TOPIC, URLMAP_TOPIC])
        follow_revocations(self.bus, self.name, self.verifier.revocations)  # security: even without consumers
        if self.settings.consumers_enabled:
            register_consumers(self.bus, self.deps)

    async def close(self) -> None:
        if self.files is not None:
            await self.files.close()
        if self.deps.search is not None:
            await self.deps.search.close()
        if self.deps.letters is not None:
            await self.deps.letters.close()
        if self.deps.data is not None:
            await self.deps.data.close()


def create_app(
    settings: RenderSettings | None = None,
    *,
    bus: EventBus | None = None,
    blobs: BlobStore | None = None,
    files: HttpFiles | None = None,
    search: httpx.AsyncBaseTransport | None = None,
    letters: httpx.AsyncBaseTransport | None = None,
    data: httpx.AsyncBaseTransport | None = None,
    access_log: bool = True,
) -> FastAPI:
    """Build the render service's API app; its page server is `RenderRuntime.of(app).pages` (plain ASGI).
    `files` is where the mirror fetches attachments (default: RENDER_MIRROR_FILES_URL over HTTP); `search` and
    `letters` and `data` answer the search, interaction and open-data APIs in-process (default: RENDER_SEARCH_URL,
    _INTERACTION_URL, _OPENDATA_URL)."""
    settings = settings or RenderSettings()
    runtime = RenderRuntime(settings, bus=bus, blobs=blobs, files=files, search=search, letters=letters, data=data)
    return runtime.app(
        title="站点渲染 Site rendering",
        description="Every site's pages, rendered from content events: themes, redirect table, static mirror.",
        prefix=PREFIX,
        routers=[router],
        limit_for=lambda _path: settings.max_body_bytes,
        access_log=access_log,
        deps=runtime.deps,
        verifier=runtime.verifier,
        mirror=runtime.mirror,
    )


class RenderServer:
    """The service on its own (distributed mode): its API and ops paths, and every other path as a page."""

    OPS = ("/healthz", "/readyz", "/metrics")

    def __init__(self, app: FastAPI, *, access_log: bool = True) -> None:
        self.app = app
        self.pages = RequestContextMiddleware(RenderRuntime.of(app).pages, service="render", access_log=access_log)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(PREFIX) or scope["path"] in self.OPS:
            await self.app(scope, receive, send)
            return
        await self.pages(scope, receive, send)


def create_server(settings: RenderSettings | None = None) -> ASGIApp:
    return RenderServer(create_app(settings))
