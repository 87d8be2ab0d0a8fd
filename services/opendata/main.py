"""The composition root of the open-data portal: create_app(settings) builds everything, nothing before."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.opendata.api import ckan, dcat, public, publish
from services.opendata.config import OpendataSettings
from services.opendata.consumers import register_consumers
from services.opendata.datastore import create_datastore
from services.opendata.models import Outbox
from services.opendata.service.catalogue import Catalogue
from services.opendata.service.context import OpendataDeps
from services.opendata.service.data import DataReader
from services.opendata.service.statistics import write_usage
from services.opendata.service.usage import UsageFlusher
from shared.auth import JwksSource, TokenVerifier
from shared.auth.apikeys import ApiKeyVerifier, CachedKeyVerifier, RemoteKeyVerifier
from shared.auth.revocations import follow_revocations
from shared.blobs import BlobStore
from shared.bus import EventBus
from shared.db.migrate import Schema
from shared.events.content import SITES_TOPIC
from shared.events.opendata import DATASETS_TOPIC
from shared.events.searchable import SEARCHABLE_TOPIC
from shared.runtime import ServiceRuntime
from shared.web import serve_first

SCHEMA = Schema("opendata", Path(__file__).parent / "migrations")


async def migrate(settings: OpendataSettings) -> None:
    await SCHEMA.upgrade(settings.database_url)


class OpendataRuntime(ServiceRuntime):
    """The catalogue's database, the datastore, bus and blobs (uploaded files); the relay and the usage flusher."""

    name = "opendata"

    def __init__(
        self,
        settings: OpendataSettings,
        *,
        bus: EventBus | None = None,
        blobs: BlobStore | None = None,
        key_verifier: ApiKeyVerifier | None = None,
    ) -> None:
        super().__init__(settings)
        self.settings = settings
        self.use_bus(settings, bus)
        self.use_blobs(settings, blobs)
        self.relay = self.use_relay(settings, Outbox)
        self.remote_keys = None
        if key_verifier is None and settings.identity_url:
            secret = settings.client_secret.get_secret_value()
            self.remote_keys = RemoteKeyVerifier(settings.identity_url, settings.client_id, secret)
            key_verifier = self.remote_keys
        assert self.blobs is not None
        self.datastore = create_datastore(settings.datastore_url, slow_ms=settings.datastore_slow_ms)
        self.deps = OpendataDeps(
            self.database, self.blobs, self.datastore, settings, wake_relay=self.relay.wake,
            key_verifier=CachedKeyVerifier(key_verifier, ttl=settings.key_check_ttl_seconds) if key_verifier else None,
        )  # fmt: skip
        self.data = DataReader(self.deps)
        self.catalogue = Catalogue(self.deps)
        self.workers.append(UsageFlusher(self.deps.usage, self._write_usage, settings.usage_flush_seconds))
        self.verifier = TokenVerifier(
            JwksSource(settings.auth_jwks_url), issuer=settings.auth_issuer, audience=settings.auth_audience
        )

    async def _write_usage(self, counts) -> None:  # noqa: ANN001 - Counter of usage keys
        await write_usage(self.deps, counts)

    async def prepare(self) -> None:
        await self.datastore.start()
        self.bus.declare([SITES_TOPIC, DATASETS_TOPIC, SEARCHABLE_TOPIC])
        follow_revocations(self.bus, self.name, self.verifier.revocations)
        if self.settings.consumers_enabled:
            register_consumers(self.bus, self.deps)

    async def close(self) -> None:
        await self.datastore.stop()
        if self.remote_keys is not None:
            await self.remote_keys.close()

    def readiness(self):  # noqa: ANN201 - the runtime's checks and the datastore's
        return super().readiness() | {"datastore": self.datastore.ready}


def create_app(
    settings: OpendataSettings | None = None,
    *,
    bus: EventBus | None = None,
    blobs: BlobStore | None = None,
    key_verifier: ApiKeyVerifier | None = None,
    access_log: bool = True,
) -> FastAPI:
    """Build the open-data portal; with a shared `bus` the caller starts it and the workers."""
    settings = settings or OpendataSettings()
    runtime = OpendataRuntime(settings, bus=bus, blobs=blobs, key_verifier=key_verifier)

    def limit_for(path: str) -> int:
        return (
            settings.max_upload_bytes + 2**20
            if path.endswith("/resources") or "/resources/" in path
            else settings.max_body_bytes
        )

    app = runtime.app(
        title="数据开放 Open data",
        description="数据开放: datasets, a datastore API, the CKAN Action API, DCAT, keys and 有条件开放 applications.",
        prefix=public.PREFIX,
        routers=[ckan.router, public.router, publish.router, dcat.router],  # the busiest routes matched first
        limit_for=limit_for,
        access_log=access_log,
        deps=runtime.deps,
        verifier=runtime.verifier,
    )
    app.state.data, app.state.catalogue = runtime.data, runtime.catalogue
    serve_first(app, ckan.plain_routes())
    return app
