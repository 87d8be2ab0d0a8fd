"""The interaction desk's public API as the page server asks it: over HTTP to the gateway, or in-process."""

from __future__ import annotations

from typing import Any

import httpx

API = "/api/v1/interaction"


class LettersClient:
    def __init__(self, base_url: str, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=10.0)

    async def get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        return await self.client.get(API + path, params=params)

    async def post(self, path: str, *, forwarded_for: str | None, **kwargs: Any) -> httpx.Response:
        """A visitor's form, sent on with their address (the desk limits letters per address)."""
        headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
        return await self.client.post(API + path, headers=headers, **kwargs)

    async def close(self) -> None:
        await self.client.aclose()
