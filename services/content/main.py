"""The composition root of the content service: create_app(settings) builds everything, nothing before."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import text

from services.content.api import PREFIX, content_router
from services.content.config import ContentSettings
from services.content.consumers import register_consumers
from services.content.models import Outbox
from services.content.scheduler import Scheduler
from services.content.service.context import ContentDeps
from shared.auth import JwksSource, TokenVerifier
from shared.blobs import BlobStore, create_blob_store
from shared.bus import EventBus, create_bus
from shared.db.engine import create_engine, create_session_factory
from shared.db.migrate import upgrade_database
from shared.events.content import CHANNELS_TOPIC, DOCUMENTS_TOPIC, SITES_TOPIC
from shared.messaging.relay import OutboxRelay
from shared.web import install_error_handlers, ops_router, wrap_service_app

SERVICE = "content"
MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version_content"


async def migrate(settings: ContentSettings) -> None:
    await upgrade_database(settings.database_url, MIGRATIONS, VERSION_TABLE)


class ContentRuntime:
    """The service's resources, started in two phases so a shared bus starts after every subscriber."""

    def __init__(self, settings: ContentSettings, *, bus: EventBus | None = None, blobs: BlobStore | None = None):
        self.settings = settings
        self.owns_bus = bus is None
        self.bus = bus or create_bus(settings.bus_url, client_id=SERVICE, max_retries=settings.consumer_max_retries)
        self.blobs = blobs or create_blob_store(settings.blob_url)
        self.engine = create_engine(settings.database_url)
        self.relay = OutboxRelay(
            self.engine,
            Outbox,
            self.bus,
            service=SERVICE,
            batch_size=settings.relay_batch_size,
            poll_seconds=settings.relay_poll_seconds,
        )
        self.deps = ContentDeps(create_session_factory(self.engine), self.blobs, settings, on_commit=self.relay.wake)
        self.scheduler = Scheduler(self.deps, settings.scheduler_interval_seconds)
        self.verifier = TokenVerifier(
            JwksSource(settings.auth_jwks_url), issuer=settings.auth_issuer, audience=settings.auth_audience
        )

    async def start(self) -> None:
        await self.blobs.start()
        self.bus.declare([SITES_TOPIC, CHANNELS_TOPIC, DOCUMENTS_TOPIC])
        if self.settings.consumers_enabled:
            register_consumers(self.bus, self.deps)

    async def start_workers(self) -> None:
        if self.settings.relay_enabled:
            await self.relay.start()
        if self.settings.scheduler_enabled:
            await self.scheduler.start()

    async def stop(self) -> None:
        await self.scheduler.stop()
        await self.relay.stop()
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
    settings: ContentSettings | None = None,
    *,
    bus: EventBus | None = None,
    blobs: BlobStore | None = None,
    access_log: bool = True,
) -> FastAPI:
    """Build the content service; with a shared `bus` the caller starts it and the workers."""
    settings = settings or ContentSettings()
    runtime = ContentRuntime(settings, bus=bus, blobs=blobs)
    app = FastAPI(
        title="内容库 Content library",
        version="1.0.0",
        lifespan=runtime.lifespan,
        description="统一信息资源库: sites, channels, documents, review workflow and publishing of the site group.",
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.deps = runtime.deps
    app.state.verifier = runtime.verifier
    install_error_handlers(app)
    app.include_router(content_router())
    app.include_router(
        ops_router({"database": runtime.database_ready, "bus": runtime.bus.ping, "blobs": runtime.blobs.ping})
    )
    upload_path = f"{PREFIX}/sites/"

    def limit_for(path: str) -> int:
        if path.startswith(upload_path) and path.endswith("/attachments"):
            return settings.max_upload_bytes
        return settings.max_body_bytes

    wrap_service_app(app, service=SERVICE, limit_for=limit_for, access_log=access_log)
    return app
