"""The composition root of the migration service: create_app(settings) builds everything, nothing before."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from fastapi import FastAPI

from services.transition.api import PREFIX, jobs_router, pushed_router, rules_router, urlmap_router
from services.transition.api.pushed import PUSH_LIMIT
from services.transition.api.urlmap import CSV_LIMIT
from services.transition.config import TransitionSettings
from services.transition.consumers import register_consumers
from services.transition.models import Outbox
from services.transition.service.context import TransitionDeps
from services.transition.service.runner import JobRunner
from shared.auth import JwksSource, TokenVerifier
from shared.auth.revocations import follow_revocations
from shared.blobs import BlobStore, create_blob_store
from shared.bus import EventBus
from shared.db.engine import Database
from shared.db.migrate import Schema
from shared.events.content import CHANNELS_TOPIC, SITES_TOPIC
from shared.events.render import VIEWS_TOPIC
from shared.events.transition import IMPORTS_TOPIC, STAGED_TOPIC, URLMAP_TOPIC
from shared.runtime import ServiceRuntime

SCHEMA = Schema("transition", Path(__file__).parent / "migrations")


async def migrate(settings: TransitionSettings) -> None:
    await SCHEMA.upgrade(settings.database_url)


class TransitionRuntime(ServiceRuntime):
    """The jobs' database, bus and blobs (legacy files land there); the relay and the job runner as workers."""

    name = "transition"

    def __init__(
        self,
        settings: TransitionSettings,
        *,
        bus: EventBus | None = None,
        blobs: BlobStore | None = None,
        legacy_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(settings)
        self.settings = settings
        self.use_bus(settings, bus)
        self.use_blobs(settings, blobs)
        self.relay = self.use_relay(settings, Outbox)
        assert self.blobs is not None
        self.deps = TransitionDeps(self.database, self.blobs, settings, wake_relay=self.relay.wake)
        self.runner = JobRunner(self.deps, transport=legacy_transport)
        self.deps.wake_runner = self.runner.wake
        if settings.runner_enabled:
            self.workers.append(self.runner)
        self.verifier = TokenVerifier(
            JwksSource(settings.auth_jwks_url), issuer=settings.auth_issuer, audience=settings.auth_audience
        )

    async def prepare(self) -> None:
        self.bus.declare([SITES_TOPIC, CHANNELS_TOPIC, STAGED_TOPIC, IMPORTS_TOPIC, URLMAP_TOPIC, VIEWS_TOPIC])
        follow_revocations(self.bus, self.name, self.verifier.revocations)
        if self.settings.consumers_enabled:
            register_consumers(self.bus, self.deps)


def create_app(
    settings: TransitionSettings | None = None,
    *,
    bus: EventBus | None = None,
    blobs: BlobStore | None = None,
    legacy_transport: httpx.AsyncBaseTransport | None = None,
    access_log: bool = True,
) -> FastAPI:
    """Build the migration service; with a shared `bus` the caller starts it and the workers."""
    settings = settings or TransitionSettings()
    runtime = TransitionRuntime(settings, bus=bus, blobs=blobs, legacy_transport=legacy_transport)

    def limit_for(path: str) -> int:
        if path.endswith("/files"):
            return settings.max_file_bytes  # a pushed legacy file, streamed to the blob store
        if path.endswith(("/pages", "/records")):
            return PUSH_LIMIT  # a pushed batch
        return CSV_LIMIT if path.endswith("/urlmap/csv") else settings.max_body_bytes

    return runtime.app(
        title="网站迁移 Site migration",
        description="网站迁移: legacy sites crawled into the content library, with a decision for every old URL.",
        prefix=PREFIX,
        routers=[jobs_router, pushed_router, rules_router, urlmap_router],
        limit_for=limit_for,
        access_log=access_log,
        deps=runtime.deps,
        verifier=runtime.verifier,
        legacy_transport=legacy_transport,  # the rules preview reads sample pages as the runner does
    )


@contextlib.asynccontextmanager
async def runner_alone(settings: TransitionSettings) -> AsyncIterator[JobRunner]:
    """The job runner in a process of its own, so a crawl's reading and staging take another core, not the loop
    that serves the sites: its events wait in the outbox, which the service's own process relays."""
    database, blobs = Database(settings.database_url), create_blob_store(settings.blob_url)
    await blobs.start()
    runner = JobRunner(TransitionDeps(database, blobs, settings))
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()
        await blobs.stop()
        await database.dispose()
