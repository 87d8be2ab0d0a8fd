"""Distributed mode: the gateway forwards a request to a service over pooled HTTP connections, plain ASGI.

Idempotent reads are retried once on a connection failure; a service that does not answer gets a 503 in
the error envelope, never a hang (timeouts on connect, read and pool).
"""

from __future__ import annotations

import http.cookiejar

import httpx
import orjson
from starlette.types import Receive, Scope, Send

from shared.errors import error_envelope
from shared.logs import get_logger

log = get_logger("gateway.proxy")

HOP_BY_HOP = {
    b"connection",
    b"keep-alive",
    b"proxy-authenticate",
    b"proxy-authorization",
    b"te",
    b"trailer",
    b"transfer-encoding",
    b"upgrade",
    b"content-length",
}
IDEMPOTENT = {"GET", "HEAD", "OPTIONS"}


class NoCookieJar(http.cookiejar.CookieJar):
    """A pooled client speaks for every visitor: a cookie one of them was given (a login session) must pass
    through to them and never be kept and sent along with the next visitor's request."""

    def extract_cookies(self, response, request) -> None:  # noqa: ANN001 - urllib's compat objects
        return None

    def set_cookie(self, cookie) -> None:  # noqa: ANN001
        return None


class ServiceProxy:
    def __init__(self, name: str, base_url: str, *, timeout: float = 10.0, retries: int = 1) -> None:
        self.name = name
        self.retries = retries
        self.client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout, connect=2.0, pool=2.0),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            follow_redirects=False,
            cookies=NoCookieJar(),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await _read_body(receive)
        method: str = scope["method"]
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in HOP_BY_HOP]
        client = scope.get("client")
        if client:
            headers.append((b"x-forwarded-for", client[0].encode()))
        headers.append((b"x-forwarded-proto", scope.get("scheme", "http").encode()))
        url = httpx.URL(
            path=scope["raw_path"].decode("latin-1") if scope.get("raw_path") else scope["path"],
            query=scope.get("query_string", b""),
        )
        attempts = 1 + (self.retries if method in IDEMPOTENT else 0)
        for attempt in range(attempts):
            try:
                request = self.client.build_request(method, url, headers=headers, content=body)
                response = await self.client.send(request, stream=True)
                break
            except httpx.TransportError as exc:
                if attempt + 1 < attempts:
                    continue
                log.warning("service_unreachable", service=self.name, error=repr(exc))
                await _unavailable(send, self.name)
                return
        try:
            out = [(k, v) for k, v in response.headers.raw if k.lower() not in HOP_BY_HOP]
            await send({"type": "http.response.start", "status": response.status_code, "headers": out})
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()

    async def close(self) -> None:
        await self.client.aclose()


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _unavailable(send: Send, name: str) -> None:
    payload = orjson.dumps(error_envelope("service_unavailable", f"{name} 服务暂时无法访问，请稍后重试"))
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"retry-after", b"5"),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
