"""The composition root of the interaction desk: create_app(settings) builds everything, nothing before."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.interaction.api import consultations, desk, interviews, moderation, public, surveys
from services.interaction.config import InteractionSettings
from services.interaction.consumers import register_consumers
from services.interaction.models import Outbox
from services.interaction.service.calendar import load_calendar
from services.interaction.service.context import InteractionDeps
from services.interaction.service.mail import Mailer
from services.interaction.service.watch import DeadlineWatch
from shared.auth import JwksSource, TokenVerifier
from shared.auth.revocations import follow_revocations
from shared.blobs import BlobStore
from shared.bus import EventBus
from shared.db.migrate import Schema
from shared.events.content import SITES_TOPIC
from shared.events.interaction import ENGAGEMENT_TOPIC, LETTERS_TOPIC
from shared.events.searchable import SEARCHABLE_TOPIC
from shared.runtime import ServiceRuntime

SCHEMA = Schema("interaction", Path(__file__).parent / "migrations")


async def migrate(settings: InteractionSettings) -> None:
    await SCHEMA.upgrade(settings.database_url)


class InteractionRuntime(ServiceRuntime):
    """The desk's database, bus and blobs (attachments); its relay, mailer and deadline watch as workers."""

    name = "interaction"

    def __init__(
        self, settings: InteractionSettings, *, bus: EventBus | None = None, blobs: BlobStore | None = None
    ) -> None:
        super().__init__(settings)
        self.settings = settings
        self.use_bus(settings, bus)
        self.use_blobs(settings, blobs)
        self.relay = self.use_relay(settings, Outbox)
        assert self.blobs is not None
        self.deps = InteractionDeps(self.database, self.blobs, settings, wake_relay=self.relay.wake)
        self.mailer = Mailer(self.deps)
        self.watch = DeadlineWatch(self.deps)
        self.verifier = TokenVerifier(
            JwksSource(settings.auth_jwks_url), issuer=settings.auth_issuer, audience=settings.auth_audience
        )
        self.workers.append(self.mailer)
        if settings.watch_enabled:
            self.workers.append(self.watch)

    async def prepare(self) -> None:
        await load_calendar(self.deps)
        self.bus.declare([SITES_TOPIC, LETTERS_TOPIC, ENGAGEMENT_TOPIC, SEARCHABLE_TOPIC])
        follow_revocations(self.bus, self.name, self.verifier.revocations)  # security: even without consumers
        if self.settings.consumers_enabled:
            register_consumers(self.bus, self.deps)


def create_app(
    settings: InteractionSettings | None = None,
    *,
    bus: EventBus | None = None,
    blobs: BlobStore | None = None,
    access_log: bool = True,
) -> FastAPI:
    """Build the interaction desk; with a shared `bus` the caller starts it and the workers."""
    settings = settings or InteractionSettings()
    runtime = InteractionRuntime(settings, bus=bus, blobs=blobs)
    letters_path = f"{public.PREFIX}/sites/"

    def limit_for(path: str) -> int:
        if path.startswith(letters_path) and path.endswith("/letters"):
            return settings.max_upload_bytes
        return settings.max_body_bytes

    return runtime.app(
        title="互动交流 Interaction",
        description="互动交流: letters (领导信箱, 依申请公开) in working days, consultations, surveys, interviews.",
        prefix=public.PREFIX,
        routers=[
            public.router,
            desk.router,
            consultations.router,
            surveys.router,
            interviews.router,
            moderation.router,
        ],
        limit_for=limit_for,
        access_log=access_log,
        deps=runtime.deps,
        verifier=runtime.verifier,
    )
