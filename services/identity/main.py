"""The composition root of the identity service (统一身份认证): create_app(settings) builds everything."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI
from jinja2 import Environment, FileSystemLoader, select_autoescape

from services.identity.api import PREFIX, identity_router
from services.identity.api.pages import TEMPLATES
from services.identity.config import IdentitySettings
from services.identity.models import Outbox
from services.identity.service.context import IdentityDeps
from services.identity.service.housekeeping import Housekeeper
from services.identity.service.keys import KeyRingSource
from services.identity.service.secrets import Passwords
from shared.auth import TokenVerifier
from shared.auth.revocations import follow_revocations
from shared.bus import EventBus
from shared.db.migrate import Schema
from shared.events.identity import TOKENS_TOPIC
from shared.runtime import ServiceRuntime

SCHEMA = Schema("identity", Path(__file__).parent / "migrations")


async def migrate(settings: IdentitySettings) -> None:
    await SCHEMA.upgrade(settings.database_url)


class IdentityRuntime(ServiceRuntime):
    """The provider's database, its keys, its housekeeping, its client for back-channel calls, and the bus its
    revocations leave on (no blobs)."""

    name = "identity"

    def __init__(
        self,
        settings: IdentitySettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        bus: EventBus | None = None,
    ) -> None:
        super().__init__(settings)
        self.settings = settings
        self.use_bus(settings, bus)
        self.relay = self.use_relay(settings, Outbox)
        self.http = httpx.AsyncClient(transport=transport)  # back-channel logout calls to the clients
        passwords = Passwords(time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib)
        self.deps = IdentityDeps(self.database, settings, passwords, wake_relay=self.relay.wake)
        self.workers.append(Housekeeper(self.deps, settings.housekeeping_seconds))

    async def prepare(self) -> None:
        """The signing keys, loaded (and the next one made) before the first request; the revocations heard."""
        self.bus.declare([TOKENS_TOPIC])
        follow_revocations(self.bus, self.name, self.deps.revocations)
        async with self.deps.uow() as uow:
            await self.deps.keys.load(uow.session, keep_retired=self.deps.keep_retired_keys())
            await uow.commit()

    async def close(self) -> None:
        await self.http.aclose()


def create_app(
    settings: IdentitySettings | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    bus: EventBus | None = None,
    access_log: bool = True,
) -> FastAPI:
    """Build the identity service; `transport` carries its outgoing calls (back-channel logout); with a shared
    `bus` the caller starts it and the workers."""
    settings = settings or IdentitySettings()
    runtime = IdentityRuntime(settings, transport=transport, bus=bus)
    return runtime.app(
        title="统一身份认证 Identity",
        description="OpenID Connect provider of the site group: accounts, site-scoped roles, clients, API keys.",
        prefix=PREFIX,
        routers=[identity_router()],
        limit_for=lambda _path: 64 * 1024,
        access_log=access_log,
        deps=runtime.deps,
        http=runtime.http,
        verifier=TokenVerifier(
            KeyRingSource(runtime.deps.keys),
            issuer=settings.issuer,
            audience=settings.resource_audience,
            revocations=runtime.deps.revocations,
        ),
        templates=Environment(
            loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), auto_reload=False
        ),
    )
