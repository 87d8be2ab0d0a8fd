"""The gateway as one plain ASGI callable: `/api/v1/<service>/…` to the service, any other path to the
renderer, which answers for the site the Host names. Plain ASGI (no BaseHTTPMiddleware) keeps the page
path lean: rate limit, then hand over."""

from __future__ import annotations

import re

import httpx
import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.config import GatewaySettings
from gateway.keys import RemoteKeyVerifier
from gateway.limits import Rate, TokenBuckets, retry_after
from gateway.openapi import DOCS_ASSETS, DOCS_PATH, OPENAPI_PATH, docs_page, merged_openapi
from gateway.proxy import ServiceProxy
from gateway.services import ServiceClients
from shared.apidocs import ASSET_CACHE, ASSETS, asset
from shared.auth.apikeys import ApiKeyVerifier, CachedKeyVerifier
from shared.errors import error_envelope
from shared.metrics import render_metrics
from shared.page_headers import HSTS, over_tls
from shared.web import RequestContextMiddleware

API_PREFIX = "/api/v1/"
WELL_KNOWN = {  # RFC 8414 §3 puts an issuer's path after the well-known name
    f"/.well-known/{name}/api/v1/identity": f"/api/v1/identity/.well-known/{name}"
    for name in ("oauth-authorization-server", "openid-configuration")
}
PAGES = "render"
CONSOLE, CONSOLE_PREFIX = "console", "/console"  # the staff console, on every host it is asked on (it redirects)
FILES_PREFIX = "/files/"  # documents' files on each site's own host, served by the content service
FILES_SERVICE, FILES_PATH = "content", "/api/v1/content/public/files/"
# The open-data portal answers where CKAN's clients and DCAT harvesters look: CKAN's Action API and the catalogue
OPEN_DATA = "opendata"
CKAN_PREFIXES = ("/api/action/", "/api/3/action/")
DCAT_PATH = re.compile(r"^/(catalog|dataset/[^/]{2,100})\.(ttl|jsonld|rdf)$")
CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", b"GET, HEAD, OPTIONS"),
    (b"access-control-allow-headers", b"Accept, Accept-Language, Content-Type, X-API-Key"),
    (b"access-control-max-age", b"86400"),
]


class Gateway:
    def __init__(
        self,
        settings: GatewaySettings,
        mounted: dict[str, ASGIApp],
        pages: ASGIApp | None = None,
        key_verifier: ApiKeyVerifier | None = None,
    ) -> None:
        self.settings = settings
        self.remote_keys = _remote_keys(settings) if key_verifier is None else None
        # None: keys are only counted, not checked (no identity service to ask)
        self.key_verifier = key_verifier or (CachedKeyVerifier(self.remote_keys) if self.remote_keys else None)
        self.clients = ServiceClients(mounted, settings.service_urls)
        self.routes: dict[str, ASGIApp] = dict(mounted)
        self.proxies = [
            ServiceProxy(name, url, timeout=settings.proxy_timeout_seconds)
            for name, url in settings.service_urls.items()
            if name not in mounted
        ]
        self.routes.update({proxy.name: proxy for proxy in self.proxies})
        self.pages = pages or self.routes.get(PAGES)
        self.ip_limits = TokenBuckets(Rate(settings.rate_per_ip, settings.burst_per_ip))
        self.page_limits = TokenBuckets(Rate(settings.page_rate_per_ip, settings.page_burst_per_ip))
        self.key_limits = TokenBuckets(Rate(settings.rate_per_api_key, settings.burst_per_api_key))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # on its own (distributed mode): close the pools on shutdown
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        send = _hardened(send, tls=over_tls(scope))
        path: str = scope["path"]
        if path in WELL_KNOWN:  # RFC 8414 §3: metadata of an issuer with a path lives at the host's root
            scope = {**scope, "path": WELL_KNOWN[path], "raw_path": WELL_KNOWN[path].encode()}
            path = scope["path"]
        if path.startswith(API_PREFIX):
            await self._api(scope, receive, send, path)
            return
        if OPEN_DATA in self.routes and (path.startswith(CKAN_PREFIXES) or DCAT_PATH.match(path)):
            if not await self._over_quota(scope, send):
                await self.routes[OPEN_DATA](scope, receive, _with_cors(send))
            return
        if path in ("/healthz", "/readyz", "/metrics"):
            await self._ops(send, path)
            return
        if self.page_limits.rate.enabled and await self._limited(send, self.page_limits, _client_ip(scope)):
            return
        if path.startswith(FILES_PREFIX):
            await self._files(scope, receive, send)
            return
        if (path == CONSOLE_PREFIX or path.startswith(CONSOLE_PREFIX + "/")) and CONSOLE in self.routes:
            await self.routes[CONSOLE](scope, receive, send)
            return
        if self.pages is None:
            await _json(send, 503, error_envelope("service_unavailable", "未配置页面渲染服务（render）"))
            return
        await self.pages(scope, receive, send)

    async def _api(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        if path == OPENAPI_PATH:
            await _json(send, 200, await merged_openapi(self.clients))
            return
        if path == DOCS_PATH:
            await _raw(send, 200, docs_page(), b"text/html; charset=utf-8")
            return
        if path.startswith(DOCS_ASSETS):
            await self._docs_asset(send, path.removeprefix(DOCS_ASSETS))
            return
        public = self._is_public(path)
        if public and scope["method"] == "OPTIONS":
            await _raw(send, 204, b"", None, CORS_HEADERS)
            return
        if await self._over_quota(scope, send):
            return
        app = self.routes.get(path[len(API_PREFIX) :].split("/", 1)[0])
        if app is None:
            await _json(send, 404, error_envelope("not_found", f"路径 {path} 没有对应的服务"))
            return
        await app(scope, receive, _with_cors(send) if public else send)

    async def _docs_asset(self, send: Send, name: str) -> None:
        if name not in ASSETS:
            await _json(send, 404, error_envelope("no_such_asset", f"文档资源 {name} 不存在"))
            return
        body, content_type = asset(name)
        await _raw(send, 200, body, content_type.encode(), [(b"cache-control", ASSET_CACHE.encode())])

    async def _files(self, scope: Scope, receive: Receive, send: Send) -> None:
        """/files/<id>/<name> on a site's host is the content service's public file path, the Host kept: public
        paths robots.txt allows (it keeps crawlers out of /api/), so search engines index the documents' PDFs."""
        app = self.routes.get(FILES_SERVICE)
        if app is None:
            await _json(send, 503, error_envelope("service_unavailable", "未配置内容服务（content）"))
            return
        rest = scope["path"][len(FILES_PREFIX) :]
        raw = scope.get("raw_path") or scope["path"].encode()
        path = FILES_PATH + rest
        await app({**scope, "path": path, "raw_path": FILES_PATH.encode() + raw[len(FILES_PREFIX) :]}, receive, send)

    def _is_public(self, path: str) -> bool:
        """A configured path ending in / covers everything below it; any other is one exact path."""
        return any(path.startswith(p) if p.endswith("/") else path == p for p in self.settings.cors_public_prefixes)

    async def _over_quota(self, scope: Scope, send: Send) -> bool:
        key = _api_key(scope)
        if key and self.key_verifier is not None:
            try:
                info = await self.key_verifier(key)
            except httpx.HTTPError:
                await _json(send, 503, error_envelope("service_unavailable", "暂时无法校验 API 密钥，请稍后重试"))
                return True
            if info is None:
                await _json(send, 401, error_envelope("invalid_api_key", "X-API-Key 无效或已被撤销"))
                return True
            own = Rate(info.per_minute / 60, max(1, info.per_minute // 6))
            return await self._limited(send, self.key_limits, info.key_id, own)
        if key and self.key_limits.rate.enabled:
            return await self._limited(send, self.key_limits, key)
        return self.ip_limits.rate.enabled and await self._limited(send, self.ip_limits, _client_ip(scope))

    async def _limited(self, send: Send, buckets: TokenBuckets, key: str, rate: Rate | None = None) -> bool:
        wait = buckets.take(key, rate)
        if not wait:
            return False
        body = orjson.dumps(error_envelope("rate_limited", "请求过于频繁，请稍后重试", {"retry_after": wait}))
        await _raw(send, 429, body, b"application/json", [(b"retry-after", retry_after(wait))])
        return True

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _ops(self, send: Send, path: str) -> None:
        if path == "/healthz":
            await _json(send, 200, {"status": "ok"})
        elif path == "/readyz":
            await self._readiness(send)
        else:
            body, content_type = render_metrics()
            await _raw(send, 200, body, content_type.encode())

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
        await _json(send, 503, error_envelope("not_ready", f"服务未就绪：{failing}", results))

    async def close(self) -> None:
        if self.remote_keys is not None:
            await self.remote_keys.close()
        await self.clients.close()
        for proxy in self.proxies:
            await proxy.close()


def _remote_keys(settings: GatewaySettings) -> RemoteKeyVerifier | None:
    url = settings.service_urls.get("identity")
    if not (url and settings.identity_client_id and settings.identity_client_secret):
        return None
    return RemoteKeyVerifier(url, settings.identity_client_id, settings.identity_client_secret)


def _client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def _api_key(scope: Scope) -> str | None:
    """X-API-Key, or as CKAN's clients send a key: X-CKAN-API-Key, or a bare key in Authorization."""
    for name, value in scope["headers"]:
        if name in (b"x-api-key", b"x-ckan-api-key") or (name == b"authorization" and value.startswith(b"sgk_")):
            return value.decode("latin-1")[:200]
    return None


def _hardened(send: Send, *, tls: bool) -> Send:
    """Every answer says nosniff (pages say more themselves); over TLS, HSTS too."""
    extra = [(b"x-content-type-options", b"nosniff"), *([HSTS] if tls else [])]

    async def wrapped(message) -> None:
        if message["type"] == "http.response.start":
            present = {name.lower() for name, _ in message.get("headers", [])}
            added = [header for header in extra if header[0] not in present]
            message = {**message, "headers": [*message.get("headers", []), *added]}
        await send(message)

    return wrapped


def _with_cors(send: Send) -> Send:
    async def wrapped(message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *CORS_HEADERS[:1]]}
        await send(message)

    return wrapped


async def _raw(send: Send, status: int, body: bytes, content_type: bytes | None, extra=()) -> None:
    headers = [(b"content-length", str(len(body)).encode()), *extra]
    if content_type:
        headers.append((b"content-type", content_type))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _json(send: Send, status: int, body: dict) -> None:
    await _raw(send, status, orjson.dumps(body), b"application/json")


def create_gateway(
    settings: GatewaySettings,
    mounted: dict[str, ASGIApp],
    pages: ASGIApp | None = None,
    key_verifier: ApiKeyVerifier | None = None,
) -> tuple[ASGIApp, Gateway]:
    """The gateway wrapped in the request-id/metrics/access-log middleware, and the gateway itself."""
    gateway = Gateway(settings, mounted, pages, key_verifier)
    return RequestContextMiddleware(gateway, service="gateway", access_log=settings.access_log), gateway
