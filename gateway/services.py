"""How the gateway reaches a service: in-process (consolidated) or over HTTP (distributed)."""

from __future__ import annotations

import httpx
from starlette.types import ASGIApp

from gateway.proxy import NoCookieJar

INTERNAL_HEADERS = {"x-sitegroup-caller": "gateway"}


class ServiceClients:
    """One pooled client per service, speaking ASGI in-process or HTTP to a remote one."""

    def __init__(self, mounted: dict[str, ASGIApp], urls: dict[str, str], *, timeout: float = 5.0) -> None:
        self.mounted = mounted
        self._clients: dict[str, httpx.AsyncClient] = {}
        for name, app in mounted.items():
            self._clients[name] = httpx.AsyncClient(
                transport=httpx.ASGITransport(app),
                base_url=f"http://{name}",
                timeout=timeout,
                headers=INTERNAL_HEADERS,
            )
        for name, url in urls.items():
            if name not in self._clients:
                self._clients[name] = httpx.AsyncClient(
                    base_url=url,
                    timeout=timeout,
                    headers=INTERNAL_HEADERS,
                    limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
                    cookies=NoCookieJar(),
                )

    def names(self) -> list[str]:
        return list(self._clients)

    def client(self, name: str) -> httpx.AsyncClient:
        return self._clients[name]

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()
