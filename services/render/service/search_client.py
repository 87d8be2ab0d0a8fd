"""The search API as the page server asks it: over HTTP to the gateway, or in-process to the search service."""

from __future__ import annotations

import httpx

SEARCH_API = "/api/v1/search"


class SearchClient:
    """The search API as the page server asks it (the gateway, or the search service in-process)."""

    def __init__(self, base_url: str, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=5.0)

    async def search(self, params: dict[str, str]) -> httpx.Response:
        return await self.client.get(SEARCH_API, params=params)

    async def close(self) -> None:
        await self.client.aclose()
