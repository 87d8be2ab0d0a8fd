"""What every service's runtime does the same way: hold its resources, start them in two phases, stop them in
reverse, answer readiness, and become a FastAPI app.

Two phases, because several services may share one bus (the consolidated process): each service first
starts its resources and subscribes (`start`), then the bus's owner starts the bus, and only then do the
services' workers run (`start_workers`: relays, schedulers, mirrors), so no event is published before every
subscriber is in place. A service on its own owns its bus and does all of it in its lifespan.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, ClassVar, Protocol, Self

from fastapi import APIRouter, FastAPI

from shared.apidocs import docs_router
from shared.blobs import BlobStore, create_blob_store
from shared.bus import EventBus, create_bus
from shared.config import ServiceSettings
from shared.db.engine import Database
from shared.error_handlers import install_error_handlers
from shared.memory import FreeMemoryReleaser
from shared.messaging.relay import OutboxRelay
from shared.messaging.tables import OutboxBase
from shared.openapi import describe_errors
from shared.web import ReadinessCheck, current_principal, ops_router, wrap_service_app


class Worker(Protocol):
    """Work a service runs in the background once the bus runs (a relay, a scheduler, the mirror)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class ServiceRuntime:
    """A service's resources: its database always, a bus and blobs if it uses them, and its workers."""

    name: ClassVar[str]

    def __init__(self, settings: ServiceSettings) -> None:
        self.database = Database(settings.database_url)
        self.bus: EventBus | None = None
        self.owns_bus = False
        self.blobs: BlobStore | None = None
        self.workers: list[Worker] = []

    def use_bus(self, settings: ServiceSettings, shared: EventBus | None) -> EventBus:
        """The bus given (shared with other services, started by its owner) or one of the service's own."""
        self.owns_bus = shared is None
        self.bus = shared or create_bus(
            settings.bus_url, client_id=self.name, max_retries=settings.consumer_max_retries
        )
        return self.bus

    def use_relay(self, settings: ServiceSettings, outbox: type[OutboxBase]) -> OutboxRelay:
        """The relay from the service's outbox onto its bus: a worker here, unless it runs as a process of its own
        (`sitegroup relay <service>`, relay_enabled off)."""
        assert self.bus is not None, "use_bus first"
        relay = OutboxRelay(
            self.database.engine,
            outbox,
            self.bus,
            service=self.name,
            batch_size=settings.relay_batch_size,
            poll_seconds=settings.relay_poll_seconds,
        )
        if settings.relay_enabled:
            self.workers.append(relay)
        return relay

    def use_blobs(self, settings: ServiceSettings, given: BlobStore | None) -> BlobStore:
        self.blobs = given or create_blob_store(settings.blob_url)
        return self.blobs

    async def prepare(self) -> None:
        """Phase one, after the blobs start and before the bus does: declare topics, subscribe, load caches."""

    async def close(self) -> None:
        """Release what the service opened besides its database, bus and blobs (HTTP clients …)."""

    async def start(self) -> None:
        if self.blobs is not None:
            await self.blobs.start()
        await self.prepare()

    async def start_workers(self) -> None:
        for worker in self.workers:
            await worker.start()

    async def stop(self) -> None:
        for worker in reversed(self.workers):
            await worker.stop()
        await self.close()
        if self.bus is not None and self.owns_bus:
            await self.bus.stop()
        if self.blobs is not None:
            await self.blobs.stop()
        await self.database.dispose()

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        """The service's app lifespan: on a shared bus, the bus's owner starts the bus and the workers."""
        await self.start()
        alone = self.bus is None or self.owns_bus  # the process is this service's own
        releaser = FreeMemoryReleaser()
        if alone:
            if self.bus is not None:
                await self.bus.start()
            await self.start_workers()
            await releaser.start()
        try:
            yield
        finally:
            await releaser.stop()
            await self.stop()

    def readiness(self) -> dict[str, ReadinessCheck]:
        checks: dict[str, ReadinessCheck] = {"database": self.database.ready}
        if self.bus is not None:
            checks["bus"] = self.bus.ping
        if self.blobs is not None:
            checks["blobs"] = self.blobs.ping
        return checks

    def app(
        self,
        *,
        title: str,
        description: str,
        prefix: str,
        routers: Sequence[APIRouter],
        limit_for: Callable[[str], int],
        access_log: bool,
        **state: Any,
    ) -> FastAPI:
        """The service's FastAPI app: its routes under `prefix`, /healthz /readyz /metrics, the error envelope,
        request ids and body limits; `state` is what its routes read from `request.app.state`."""
        app = FastAPI(
            title=title,
            version="1.0.0",
            lifespan=self.lifespan,
            description=description,
            openapi_url=f"{prefix}/openapi.json",
            docs_url=None,  # shared.apidocs serves the page with its own copy of Swagger UI
            redoc_url=None,
        )
        app.state.runtime = self
        for key, value in state.items():
            setattr(app.state, key, value)
        install_error_handlers(app)
        for router in routers:
            app.include_router(router)
        describe_errors(app, principal_dependency=current_principal)
        app.include_router(docs_router(prefix, title))
        app.include_router(ops_router(self.readiness()))
        wrap_service_app(app, service=self.name, limit_for=limit_for, access_log=access_log)
        return app

    @classmethod
    def of(cls, app: Any) -> Self:
        """The runtime of an app create_app built (typed: `ContentRuntime.of(app).relay`)."""
        runtime = getattr(getattr(app, "state", None), "runtime", None)
        if not isinstance(runtime, cls):
            raise TypeError(f"{app!r} is not an app of the {cls.name} service")
        return runtime


@contextlib.asynccontextmanager
async def run_together(
    bus: EventBus, runtimes: Sequence[ServiceRuntime], *, extra_workers: Sequence[Worker] = ()
) -> AsyncIterator[None]:
    """Several services on the one bus they share: each starts and subscribes, then the bus starts, then their
    workers and the process owner's own; everything stops in the reverse order."""
    async with contextlib.AsyncExitStack() as stack:
        for runtime in runtimes:
            await runtime.start()
            stack.push_async_callback(runtime.stop)
        await bus.start()
        stack.push_async_callback(bus.stop)
        for runtime in runtimes:
            await runtime.start_workers()
        for worker in extra_workers:
            await worker.start()
            stack.push_async_callback(worker.stop)
        releaser = FreeMemoryReleaser()
        await releaser.start()
        stack.push_async_callback(releaser.stop)
        yield
