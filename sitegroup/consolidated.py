"""Everything in one process: the gateway mounting every service in-process, one in-memory bus."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.app import create_gateway
from gateway.config import GatewaySettings
from services.content.main import create_app as create_content_app
from services.content.main import migrate as migrate_content
from shared.auth.keys import LocalSigner
from shared.bus import create_bus
from sitegroup.settings import PlatformSettings, content_settings


async def migrate_all(platform: PlatformSettings) -> None:
    await migrate_content(content_settings(platform))


class ConsolidatedApp:
    """One ASGI app whose lifespan starts every service, then the shared bus, then their workers."""

    def __init__(self, platform: PlatformSettings, *, on_ready=None) -> None:
        self.platform = platform
        self.signer = LocalSigner.load_or_create(platform.keys_dir, issuer=platform.issuer, audience="sitegroup")
        self.bus = create_bus("memory://")
        self.content = create_content_app(content_settings(platform), bus=self.bus, access_log=False)
        self.asgi, self.gateway = create_gateway(GatewaySettings(), {"content": self.content})
        self.on_ready = on_ready

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        runtimes = [self.content.state.runtime]
        async with contextlib.AsyncExitStack() as stack:
            for runtime in runtimes:
                await runtime.start()
                stack.push_async_callback(runtime.stop)
            await self.bus.start()
            stack.push_async_callback(self.bus.stop)
            for runtime in runtimes:
                await runtime.start_workers()
            stack.push_async_callback(self.gateway.close)
            if self.on_ready is not None:
                await self.on_ready(self)
            yield

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _run_lifespan(self.lifespan, receive, send)
            return
        await self.asgi(scope, receive, send)


async def _run_lifespan(lifespan, receive: Receive, send: Send) -> None:
    """The ASGI lifespan protocol around an async context manager."""
    await receive()  # lifespan.startup
    started = False
    try:
        async with lifespan():
            await send({"type": "lifespan.startup.complete"})
            started = True
            await receive()  # lifespan.shutdown
    except BaseException as exc:
        kind = "shutdown" if started else "startup"
        await send({"type": f"lifespan.{kind}.failed", "message": repr(exc)})
        raise
    await send({"type": "lifespan.shutdown.complete"})


def create_consolidated_app(platform: PlatformSettings | None = None) -> ASGIApp:
    return ConsolidatedApp(platform or PlatformSettings())
