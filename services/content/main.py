"""The composition root of the content service: create_app(settings) builds everything, nothing before."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.content.api import PREFIX, content_router
from services.content.config import ContentSettings
from services.content.consumers import register_consumers
from services.content.models import Outbox
from services.content.scheduler import Scheduler
from services.content.service.context import ContentDeps
from shared.auth import JwksSource, TokenVerifier
from shared.auth.revocations import follow_revocations
from shared.blobs import BlobStore
from shared.bus import EventBus
from shared.db.migrate import Schema
from shared.events.content import CHANNELS_TOPIC, DOCUMENTS_TOPIC, SITES_TOPIC
from shared.events.transition import IMPORTS_TOPIC, STAGED_TOPIC
from shared.runtime import ServiceRuntime

SCHEMA = Schema("content", Path(__file__).parent / "migrations")


async def migrate(settings: ContentSettings) -> None:
    await SCHEMA.upgrade(settings.database_url)


class ContentRuntime(ServiceRuntime):
    """The database, bus and blobs of the content library; its relay and scheduler as workers."""

    name = "content"

    def __init__(self, settings: ContentSettings, *, bus: EventBus | None = None, blobs: BlobStore | None = None):
        super().__init__(settings)
        self.settings = settings
        self.use_bus(settings, bus)
        self.use_blobs(settings, blobs)
        self.relay = self.use_relay(settings, Outbox)
        self.deps = ContentDeps(self.database, self.blobs, settings, wake_relay=self.relay.wake)
        self.scheduler = Scheduler(self.deps, settings.scheduler_interval_seconds)
        self.verifier = TokenVerifier(
            JwksSource(settings.auth_jwks_url), issuer=settings.auth_issuer, audience=settings.auth_audience
        )
        if settings.scheduler_enabled:
            self.workers.append(self.scheduler)

    async def prepare(self) -> None:
        self.bus.declare([SITES_TOPIC, CHANNELS_TOPIC, DOCUMENTS_TOPIC, STAGED_TOPIC, IMPORTS_TOPIC])
        follow_revocations(self.bus, self.name, self.verifier.revocations)  # security: even without consumers
        if self.settings.consumers_enabled:
            register_consumers(self.bus, self.deps)


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
    upload_path = f"{PREFIX}/sites/"

    def limit_for(path: str) -> int:
        if path.startswith(upload_path) and path.endswith("/attachments"):
            return settings.max_upload_bytes
        return settings.max_body_bytes

    return runtime.app(
        title="内容库 Content library",
        description="统一信息资源库: sites, channels, documents, review workflow and publishing of the site group.",
        prefix=PREFIX,
        routers=[content_router()],
        limit_for=limit_for,
        access_log=access_log,
        deps=runtime.deps,
        verifier=runtime.verifier,
    )
