"""The gateway on its own: rate limits, CORS for public APIs, one OpenAPI, and distributed mode's proxy."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import orjson
import pytest
import uvicorn

from gateway.app import create_gateway
from gateway.config import GatewaySettings
from services.render import RenderRuntime, RenderSettings, create_server, migrate
from services.render.tests.support import Feeder, eventually, site, site_ready
from shared.apidocs import ASSETS
from shared.config import sqlite_url

HEFEI = site("hefei", "合肥市人民政府", "3401000001")


async def echo(scope, receive, send) -> None:
    """A stand-in service: answers every request with 200 and its path."""
    body = orjson.dumps({"path": scope["path"]})
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


def client_for(settings: GatewaySettings, mounted: dict, pages=None, ip: str = "203.0.113.7") -> httpx.AsyncClient:
    app, _ = create_gateway(settings, mounted, pages)
    transport = httpx.ASGITransport(app, client=(ip, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://www.hefei.gov.cn")


async def test_api_requests_beyond_the_rate_get_429_with_retry_after() -> None:
    settings = GatewaySettings(rate_per_ip=1, burst_per_ip=3, rate_per_api_key=1, burst_per_api_key=5)
    async with client_for(settings, {"content": echo}) as http:
        statuses = [(await http.get("/api/v1/content/sites")).status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        limited = await http.get("/api/v1/content/sites")
        assert limited.headers["retry-after"] == "1" and limited.json()["error"]["code"] == "rate_limited"
        keyed = [(await http.get("/api/v1/content/sites", headers={"x-api-key": "k-1"})).status_code for _ in range(6)]
        assert keyed == [200] * 5 + [429]  # a key has its own quota, apart from its IP's
    async with client_for(settings, {"content": echo}, ip="203.0.113.8") as other:
        assert (await other.get("/api/v1/content/sites")).status_code == 200  # another client is not affected


async def test_pages_have_their_own_rate_per_ip() -> None:
    settings = GatewaySettings(page_rate_per_ip=1, page_burst_per_ip=2)
    async with client_for(settings, {}, pages=echo) as http:
        statuses = [(await http.get("/zwdt/")).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]


async def test_public_apis_allow_any_origin_and_staff_apis_do_not() -> None:
    async with client_for(GatewaySettings(), {"content": echo}) as http:
        preflight = await http.options("/api/v1/content/public/sites/hefei", headers={"origin": "https://example.org"})
        assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
        public = await http.get("/api/v1/content/sites", headers={"origin": "https://example.org"})
        assert public.headers["access-control-allow-origin"] == "*"
        staff = await http.get("/api/v1/content/sites/hefei/documents", headers={"origin": "https://example.org"})
        assert "access-control-allow-origin" not in staff.headers
        missing = await http.get("/api/v1/nothing")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


async def test_files_go_to_the_content_service_with_their_host_and_every_answer_says_nosniff() -> None:
    async def content(scope, receive, send) -> None:
        host = dict(scope["headers"]).get(b"host", b"").decode()
        body = orjson.dumps({"path": scope["path"], "raw": scope["raw_path"].decode(), "host": host})
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    async with client_for(GatewaySettings(), {"content": content}, pages=echo) as http:
        answer = await http.get("/files/AbCdEfGhIjKlMnOpQrStUv/%E5%8A%9E%E6%B3%95.pdf")
        assert answer.json() == {
            "path": "/api/v1/content/public/files/AbCdEfGhIjKlMnOpQrStUv/办法.pdf",
            "raw": "/api/v1/content/public/files/AbCdEfGhIjKlMnOpQrStUv/%E5%8A%9E%E6%B3%95.pdf",
            "host": "www.hefei.gov.cn",
        }
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in answer.headers  # plain HTTP: no HSTS
    app, _ = create_gateway(GatewaySettings(), {"content": content}, echo)
    tls = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="https://www.hefei.gov.cn")
    async with tls:
        page = await tls.get("/zwdt/")
        assert page.headers["strict-transport-security"] == "max-age=31536000"


async def test_one_openapi_document_covers_every_service(http) -> None:
    spec = (await http.get("/api/v1/openapi.json")).json()
    assert any(p.startswith("/api/v1/content/") for p in spec["paths"])
    assert "/api/v1/render/sites/{site_id}/redirects" in spec["paths"]
    docs = await http.get("/api/v1/docs")
    assert docs.status_code == 200 and "/api/v1/openapi.json" in docs.text


@pytest.mark.parametrize("docs_page", ["/api/v1/docs", "/api/v1/content/docs", "/api/v1/identity/docs"])
async def test_the_api_documentation_needs_nothing_from_outside_the_platform(http, docs_page) -> None:
    """On an isolated government network a page loading Swagger UI from a CDN is blank."""
    page = (await http.get(docs_page)).text
    loaded = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert loaded and not [url for url in loaded if "//" in url], loaded  # every asset on the platform's own host
    for url in loaded:
        served = await http.get(url)
        assert served.status_code == 200, url
        assert hashlib.sha256(served.content).hexdigest() == ASSETS[url.rsplit("/", 1)[1]][1], url
    assert "SwaggerUIBundle" in (await http.get(loaded[0] if loaded[0].endswith(".js") else loaded[-1])).text
    missing = await http.get(docs_page + "/assets/swagger-ui-standalone-preset.js")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "no_such_asset"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def render_server(tmp_path: Path, jwks: str) -> AsyncIterator[tuple[str, uvicorn.Server]]:
    settings = RenderSettings(
        database_url=sqlite_url(tmp_path / "render.db"), blob_url=f"file://{tmp_path / 'blobs'}",
        auth_jwks_url=jwks, log_json=False,
    )  # fmt: skip
    await migrate(settings)
    app = create_server(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return server.started

    await eventually(started, timeout=10)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        await task


async def test_distributed_mode_proxies_to_the_services_and_says_503_when_one_is_down(tmp_path, platform) -> None:
    jwks = f"file://{platform.platform.keys_dir / 'jwks.json'}"
    async with render_server(tmp_path, jwks) as (url, app):
        await Feeder(RenderRuntime.of(app.app).bus).open_site(HEFEI)
        settings = GatewaySettings(service_urls={"render": url})
        async with client_for(settings, {}) as http:
            await site_ready(http, HEFEI.main_domain)
            page = await http.get("/zwdt/")
            assert page.status_code == 200 and "合肥市人民政府" in page.text and page.headers["etag"]
            cached = await http.get("/zwdt/", headers={"if-none-match": page.headers["etag"]})
            assert cached.status_code == 304
            api = await http.get("/api/v1/render/sites/hefei/theme")
            assert api.status_code == 401 and api.json()["error"]["code"]
    async with client_for(GatewaySettings(service_urls={"render": url}), {}) as http:
        down = await http.get("/zwdt/")
        assert down.status_code == 503 and down.headers["retry-after"] == "5"
        assert down.json()["error"]["code"] == "service_unavailable"
        assert (await http.post("/api/v1/render/sites/hefei/mirror")).status_code == 503


async def cookie_echo(scope, receive, send) -> None:
    """A service that signs everyone in (sets a session cookie) and says which cookie it was sent."""
    if scope["type"] != "http":
        return
    sent = dict(scope["headers"]).get(b"cookie", b"none")
    headers = [(b"set-cookie", b"sg_idp_session=secret-of-the-first-visitor; Path=/"), (b"content-type", b"text/plain")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": sent})


async def test_the_proxy_never_hands_one_visitors_cookie_to_the_next() -> None:
    """The pooled client forwards for everyone: had it kept Set-Cookie, the next visitor would be signed in as
    the first (the distributed test found this through the login page)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(cookie_echo, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())

    async def started() -> bool:
        return server.started

    await eventually(started, timeout=10)
    try:
        async with client_for(GatewaySettings(service_urls={"identity": f"http://127.0.0.1:{port}"}), {}) as http:
            first = await http.get("/api/v1/identity/authorize")
            assert first.text == "none" and "secret-of-the-first-visitor" in first.headers["set-cookie"]
            http.cookies.clear()  # the next visitors come with other browsers
            second = await http.get("/api/v1/identity/authorize", headers={"cookie": "theirs=1"})
            assert second.text == "theirs=1"  # their own cookie only
            http.cookies.clear()
            assert (await http.get("/api/v1/identity/authorize")).text == "none"
    finally:
        server.should_exit = True
        await task


async def test_every_operation_lists_the_errors_it_answers_in_the_envelope(http) -> None:
    """Each operation says which 4xx/5xx it gives, each in the one envelope (not FastAPI's own 422 shape)."""
    spec = (await http.get("/api/v1/openapi.json")).json()
    assert spec["components"]["schemas"]["Problem"]["required"] == ["error"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    operations = [(p, m, o) for p, ops in spec["paths"].items() for m, o in ops.items()]
    for path, method, operation in operations:
        responses = operation["responses"]
        assert {"429", "503"} <= responses.keys(), (path, method)
        if "{" in path and "security" in operation:
            assert {"401", "403", "404"} <= responses.keys(), (path, method)
    upload = spec["paths"]["/api/v1/content/sites/{site_id}/attachments"]["post"]
    assert {"400", "401", "403", "404", "409", "413", "415", "422"} <= upload["responses"].keys()
    assert upload["security"] == [{"bearerAuth": []}]
    login = spec["paths"]["/api/v1/identity/login"]["post"]["responses"]
    assert set(login["200"]["content"]) == {"text/html"} and "303" in login  # a page for people, documented as one
    token = spec["paths"]["/api/v1/identity/token"]["post"]["responses"]["400"]["content"]["application/json"]
    assert token["schema"]["required"] == ["error"] and "error_description" in token["schema"]["properties"]
