"""The gateway as one plain ASGI callable: `/api/v1/<service>/…` to the service, any other path to the
site the Host names. Plain ASGI (no BaseHTTPMiddleware) keeps the page path lean."""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.config import GatewaySettings
from gateway.pages import SitePages
from gateway.services import ServiceClients
from gateway.sites import SiteResolver
from shared.errors import error_envelope
from shared.metrics import render_metrics
from shared.web import RequestContextMiddleware

API_PREFIX = "/api/v1/"


class Gateway:
    def __init__(self, settings: GatewaySettings, mounted: dict[str, ASGIApp]) -> None:
        self.settings = settings
        self.mounted = mounted
        self.clients = ServiceClients(mounted, settings.service_urls)
        self.resolver = SiteResolver(
            self.clients, preview_suffix=settings.preview_suffix, ttl=settings.site_cache_seconds
        )
        self.pages = SitePages(self.clients, self.resolver)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path.startswith(API_PREFIX):
            service = path[len(API_PREFIX) :].split("/", 1)[0]
            app = self.mounted.get(service)
            if app is None:
                await _json(send, 404, error_envelope("not_found", f"no service named {service!r}"))
                return
            await app(scope, receive, send)
            return
        if path == "/healthz":
            await _json(send, 200, {"status": "ok"})
            return
        if path == "/readyz":
            await self._readiness(send)
            return
        if path == "/metrics":
            body, content_type = render_metrics()
            await send(
                {"type": "http.response.start", "status": 200, "headers": [(b"content-type", content_type.encode())]}
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.pages(scope, receive, send)

    async def _readiness(self, send: Send) -> None:
        """Ready when every service answers its own /readyz."""
        results = {}
        for name in sorted(self.clients.names()):
            try:
                results[name] = (await self.clients.client(name).get("/readyz")).status_code == 200
            except Exception:  # an unreachable service is a "no", not a crash
                results[name] = False
        if all(results.values()):
            await _json(send, 200, {"status": "ready", "services": results})
            return
        failing = ", ".join(n for n, ok in results.items() if not ok)
        await _json(send, 503, error_envelope("not_ready", f"not ready: {failing}", results))

    async def close(self) -> None:
        await self.clients.close()


async def _json(send: Send, status: int, body: dict) -> None:
    payload = orjson.dumps(body)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def create_gateway(settings: GatewaySettings, mounted: dict[str, ASGIApp]) -> tuple[ASGIApp, Gateway]:
    """The gateway wrapped in the request-id/metrics/access-log middleware, and the gateway itself."""
    gateway = Gateway(settings, mounted)
    return RequestContextMiddleware(gateway, service="gateway", access_log=settings.access_log), gateway
