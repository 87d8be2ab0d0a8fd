"""The composition root of the render service: create_app(settings) builds everything, nothing before."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import text
from starlette.types import ASGIApp, Receive, Scope, Send

from services.render.api import PREFIX, router
from services.render.cache import PageCache
from services.render.config import RenderSettings
from services.render.consumers import register_consumers
from services.render.pages_asgi import PageServer
from services.render.service.context import HostTable, RenderDeps
from services.render.service.mirror import MirrorWriter
from services.render.service.mirror_files import HttpFiles
from services.render.service.pages import PageBuilder
from services.render.themes import Themes
from shared.auth import JwksSource, TokenVerifier
from shared.blobs import BlobStore, create_blob_store
from shared.bus import EventBus, create_bus
from shared.db.engine import create_engine, create_session_factory
from shared.db.migrate import upgrade_database
from shared.events.content import CHANNELS_TOPIC, DOCUMENTS_TOPIC, SITES_TOPIC
from shared.web import RequestContextMiddleware, install_error_handlers, ops_router, wrap_service_app

SERVICE = "render"
MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version_render"


async def migrate(settings: RenderSettings) -> None:
    await upgrade_database(settings.database_url, MIGRATIONS, VERSION_TABLE)


class RenderRuntime:
    """The service's resources, started in two phases so a shared bus starts after every subscriber."""

    def __init__(
        self,
        settings: RenderSettings,
        *,
        bus: EventBus | None = None,
        blobs: BlobStore | None = None,
        files: HttpFiles | None = None,
    ):
        self.settings = settings
        self.owns_bus = bus is None
        self.bus = bus or create_bus(settings.bus_url, client_id=SERVICE, max_retries=settings.consumer_max_retries)
        self.blobs = blobs or create_blob_store(settings.blob_url)
        self.engine = create_engine(settings.database_url)
        self.deps = RenderDeps(
            create_session_factory(self.engine),
            self.blobs,
            settings,
            PageCache(settings.cache_max_pages),
            HostTable(settings.preview_suffix),
        )
        self.pages = PageServer(
            self.deps,
            PageBuilder(self.deps, Themes(settings.templates_dir, auto_reload=settings.templates_auto_reload)),
        )
        self.files = files or (HttpFiles(settings.mirror_files_url) if settings.mirror_files_url else None)
        self.mirror = MirrorWriter(
            self.deps,
            lambda site_id, path: self.pages.page(site_id, path, "std", {}),
            self.pages.asset_files(),
            files=self.files,
        )
        if settings.mirror_enabled:
            self.deps.on_change = self.mirror.changed
        self.verifier = TokenVerifier(
            JwksSource(settings.auth_jwks_url), issuer=settings.auth_issuer, audience=settings.auth_audience
        )

    async def start(self) -> None:
        await self.blobs.start()
        async with self.deps.platform_uow() as uow:
            for site in await uow.repo.all_sites():
                self.deps.hosts.load(site.snapshot)
        self.bus.declare([SITES_TOPIC, CHANNELS_TOPIC, DOCUMENTS_TOPIC])
        if self.settings.consumers_enabled:
            register_consumers(self.bus, self.deps)

    async def start_workers(self) -> None:
        if self.settings.mirror_enabled:
            await self.mirror.start()

    async def stop(self) -> None:
        await self.mirror.stop()
        if self.files is not None:
            await self.files.close()
        if self.owns_bus:
            await self.bus.stop()
        await self.blobs.stop()
        await self.engine.dispose()

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        await self.start()
        if self.owns_bus:
            await self.bus.start()
            await self.start_workers()
        try:
            yield
        finally:
            await self.stop()

    async def database_ready(self) -> bool:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True


def create_app(
    settings: RenderSettings | None = None,
    *,
    bus: EventBus | None = None,
    blobs: BlobStore | None = None,
    files: HttpFiles | None = None,
    access_log: bool = True,
) -> FastAPI:
    """Build the render service's API app; its page server is `app.state.pages` (plain ASGI). `files` is
    where the mirror fetches attachments (default: RENDER_MIRROR_FILES_URL over HTTP)."""
    settings = settings or RenderSettings()
    runtime = RenderRuntime(settings, bus=bus, blobs=blobs, files=files)
    app = FastAPI(
        title="站点渲染 Site rendering",
        version="1.0.0",
        lifespan=runtime.lifespan,
        description="Every site's pages, rendered from content events: themes, redirect table, static mirror.",
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.deps = runtime.deps
    app.state.verifier = runtime.verifier
    app.state.pages = runtime.pages
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(
        ops_router({"database": runtime.database_ready, "bus": runtime.bus.ping, "blobs": runtime.blobs.ping})
    )
    wrap_service_app(app, service=SERVICE, limit_for=lambda _path: settings.max_body_bytes, access_log=access_log)
    return app


class RenderServer:
    """The service on its own (distributed mode): its API and ops paths, and every other path as a page."""

    OPS = ("/healthz", "/readyz", "/metrics")

    def __init__(self, app: FastAPI, *, access_log: bool = True) -> None:
        self.app = app
        self.pages = RequestContextMiddleware(app.state.pages, service=SERVICE, access_log=access_log)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(PREFIX) or scope["path"] in self.OPS:
            await self.app(scope, receive, send)
            return
        await self.pages(scope, receive, send)


def create_server(settings: RenderSettings | None = None) -> ASGIApp:
    return RenderServer(create_app(settings))
