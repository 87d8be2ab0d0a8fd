"""Everything in one process: the gateway mounting every service in-process, one in-memory bus."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.app import create_gateway
from gateway.config import GatewaySettings
from services import console, content, identity, interaction, opendata, render, search, transition
from shared.auth import Grant, Principal
from shared.auth.apikeys import ApiKeyInfo, CachedKeyVerifier
from shared.bus import create_bus
from shared.runtime import Worker, run_together
from sitegroup.devtokens import ProviderSigner
from sitegroup.runner_process import RunnerProcess
from sitegroup.settings import (
    PlatformSettings,
    console_settings,
    content_settings,
    identity_settings,
    interaction_settings,
    opendata_settings,
    render_settings,
    search_settings,
    transition_settings,
)

SYSTEM = "system:platform"
UNLIMITED = GatewaySettings(rate_per_ip=0, rate_per_api_key=0, page_rate_per_ip=0, access_log=False)


def console_client(settings: console.ConsoleSettings) -> identity.ClientCreate:
    """The console at the provider: a confidential first-party client at the platform's own address."""
    return identity.ClientCreate(
        client_id=settings.client_id,
        name="工作台",
        redirect_uris=[settings.redirect_uri],
        post_logout_redirect_uris=[settings.signed_out_uri],
        backchannel_logout_uri=settings.backchannel_logout_uri,
        grant_types=["authorization_code", "refresh_token"],
        scopes=["openid", "profile", "offline_access"],
    )


async def migrate_all(platform: PlatformSettings) -> None:
    await content.migrate(content_settings(platform))
    await render.migrate(render_settings(platform))
    await identity.migrate(identity_settings(platform))
    await console.migrate(console_settings(platform))
    await search.migrate(search_settings(platform))
    await interaction.migrate(interaction_settings(platform))
    await opendata.migrate(opendata_settings(platform))
    await transition.migrate(transition_settings(platform))


class ConsolidatedApp:
    """One ASGI app whose lifespan starts every service, then the shared bus, then their workers."""

    def __init__(self, platform: PlatformSettings, *, on_ready=None, gateway: GatewaySettings | None = None) -> None:
        self.platform = platform
        self.bus = create_bus("memory://")
        content_app = content.create_app(content_settings(platform), bus=self.bus, access_log=False)
        # The mirror copies attachments from the content service's public file URLs, in-process here.
        files = render.HttpFiles("http://content.internal", transport=httpx.ASGITransport(content_app))
        # Search reads attachments' text from the content library's blob store (their events name the blobs); the
        # sites' search pages ask it in-process.
        content_blobs = content.ContentRuntime.of(content_app).blobs
        search_app = search.create_app(
            search_settings(platform), bus=self.bus, stored_files=content_blobs, access_log=False
        )
        # The sites' 互动交流 pages ask the interaction desk in-process, and post visitors' letters to it.
        interaction_app = interaction.create_app(interaction_settings(platform), bus=self.bus, access_log=False)
        self.interaction = interaction.InteractionRuntime.of(interaction_app)
        # The open-data portal reads API keys as CKAN's clients send them, checked by the provider in-process.
        self.keys = CachedKeyVerifier(self._verify_key)
        opendata_app = opendata.create_app(
            opendata_settings(platform), bus=self.bus, key_verifier=self.keys, access_log=False
        )
        self.opendata = opendata.OpendataRuntime.of(opendata_app)
        transition_app = transition.create_app(transition_settings(platform), bus=self.bus, access_log=False)
        self.transition = transition.TransitionRuntime.of(transition_app)
        # The crawl reads and stages legacy pages on the other core; the loop here imports what it staged.
        self.runner_process = RunnerProcess(platform) if platform.migration_process else None
        if self.runner_process is not None:
            self.transition.deps.wake_runner = self.runner_process.wake
        render_app = render.create_app(
            render_settings(platform),
            bus=self.bus,
            files=files,
            search=httpx.ASGITransport(search_app),
            letters=httpx.ASGITransport(interaction_app),
            data=httpx.ASGITransport(opendata_app),
            access_log=False,
        )
        self.search = search.SearchRuntime.of(search_app)
        # The provider's back-channel logout reaches the console in-process; other relying parties over HTTP.
        own = OwnAddressTransport(platform.base_url, self._gateway_later)
        identity_app = identity.create_app(identity_settings(platform), transport=own, bus=self.bus, access_log=False)
        self.content = content.ContentRuntime.of(content_app)
        self.render = render.RenderRuntime.of(render_app)
        self.identity = identity.IdentityRuntime.of(identity_app)
        self.signer = ProviderSigner(self.identity.deps)  # dev and test tokens, once started
        services = {
            "content": content_app,
            "render": render_app,
            "identity": identity_app,
            "search": search_app,
            "interaction": interaction_app,
            "opendata": opendata_app,
            "transition": transition_app,
        }
        # The console calls the APIs in-process, with each person's own token, past the per-address rate limits
        # (every console call would otherwise count against the one address of this process).
        behind, self.behind_gateway = create_gateway(UNLIMITED, services, pages=self.render.pages)
        self.console_settings = console_settings(platform)
        console_app = console.create_app(self.console_settings, transport=httpx.ASGITransport(behind), access_log=False)
        self.console = console.ConsoleRuntime.of(console_app)
        self.asgi, self.gateway = create_gateway(
            gateway or GatewaySettings(),
            {**services, "console": console_app},
            pages=self.render.pages,
            key_verifier=self.keys,
        )
        self.on_ready = on_ready

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        runtimes = [self.content, self.render, self.identity, self.search, self.interaction, self.opendata]
        runtimes.append(self.transition)
        runtimes.append(self.console)
        async with run_together(self.bus, runtimes, extra_workers=self._own_workers()):
            await identity.provision_client(
                self.identity.deps,
                console_client(self.console_settings),
                self.console_settings.client_secret.get_secret_value(),
                actor=SYSTEM,
            )
            try:
                if self.on_ready is not None:
                    await self.on_ready(self)
                yield
            finally:
                await self.gateway.close()
                await self.behind_gateway.close()

    def _own_workers(self) -> list[Worker]:
        return [self.runner_process] if self.runner_process is not None else []

    async def _verify_key(self, key: str) -> ApiKeyInfo | None:
        """The gateway's key check, answered by the identity service in-process."""
        check = await identity.verify_key(self.identity.deps, key)
        if not check.active:
            return None
        return ApiKeyInfo(check.key_id or "", check.application_id or "", check.per_minute, check.owner_id or "")

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until every event written so far has been handled and mirrored (tests, benchmarks): the
        in-process bus marks an outbox row published only once every consumer has handled it."""
        async with asyncio.timeout(timeout):
            for relay in (self.content.relay, self.interaction.relay, self.opendata.relay, self.transition.relay):
                while await relay.pending():
                    relay.wake()
                    await asyncio.sleep(0.01)
            await self.render.mirror.drain()
            await self.search.indexer.drain()

    async def catch_up(self) -> None:
        """A service added after the sites were opened (a data directory from an older version) has heard of no
        site: the content library announces them all again, and the services that know them drop the repeats."""
        known = [await interaction.known_sites(self.interaction.deps), await opendata.known_sites(self.opendata.deps)]
        known.append(await transition.known_sites(self.transition.deps))
        if all(known) or not await content.has_sites(self.content.deps):
            return
        operator = Principal(subject=SYSTEM, name="平台", grants=(Grant(site="*", role="platform_operator"),))
        await content.replay(self.content.deps, content.Actor(operator))
        await self.settle(timeout=300)

    async def _gateway_later(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The gateway, built after the services that call it (the provider's notices to the console)."""
        await self.asgi(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _run_lifespan(self.lifespan, receive, send)
            return
        await self.asgi(scope, receive, send)


class OwnAddressTransport(httpx.AsyncBaseTransport):
    """Requests to the platform's own address are answered in-process; any other goes out over the network."""

    def __init__(self, base_url: str, app: ASGIApp) -> None:
        self.base_url = httpx.URL(base_url)
        self.inside = httpx.ASGITransport(app)
        self.outside = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        own = (url.scheme, url.host, url.port) == (self.base_url.scheme, self.base_url.host, self.base_url.port)
        return await (self.inside if own else self.outside).handle_async_request(request)

    async def aclose(self) -> None:
        await self.outside.aclose()


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
