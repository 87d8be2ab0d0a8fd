"""The API-key contract between the identity service (which issues and checks keys), the gateway (which refuses
unknown keys and holds each key to its own quota) and the open-data portal (which reads keys as CKAN does)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    key_id: str
    application_id: str
    per_minute: int
    owner_id: str = ""  # the developer's account (open data: who applied for a 有条件开放 dataset)


ApiKeyVerifier = Callable[[str], Awaitable[ApiKeyInfo | None]]


class CachedKeyVerifier:
    """Answers from memory for `ttl` seconds (unknown keys for `negative_ttl`): a revoked key stops
    working within `ttl`, and a flood of made-up keys costs one lookup each per `negative_ttl`."""

    def __init__(
        self,
        verify: ApiKeyVerifier,
        *,
        ttl: float = 30.0,
        negative_ttl: float = 5.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.verify = verify
        self.ttl, self.negative_ttl = ttl, negative_ttl
        self.max_entries = max_entries
        self.clock = clock
        self._seen: OrderedDict[str, tuple[float, ApiKeyInfo | None]] = OrderedDict()

    async def __call__(self, key: str) -> ApiKeyInfo | None:
        now = self.clock()
        cached = self._seen.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        info = await self.verify(key)
        self._seen[key] = (now + (self.ttl if info else self.negative_ttl), info)
        self._seen.move_to_end(key)
        if len(self._seen) > self.max_entries:
            self._seen.popitem(last=False)
        return info

    def forget(self) -> None:
        """Drop every remembered answer (a key revoked here takes effect at once)."""
        self._seen.clear()


IDENTITY_PREFIX = "/api/v1/identity"


class RemoteKeyVerifier:
    """Asks the identity service whether a key is live, as a client of its own (client credentials, role
    `gateway`): the gateway in the distributed mode, and the open-data portal, which reads keys CKAN's way."""

    def __init__(
        self,
        identity_url: str,
        client_id: str,
        client_secret: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.client = httpx.AsyncClient(base_url=identity_url, transport=transport, timeout=5)
        self.credentials = (client_id, client_secret)
        self._token: tuple[float, str] | None = None

    async def __call__(self, key: str) -> ApiKeyInfo | None:
        answer = await self.client.post(
            f"{IDENTITY_PREFIX}/keys/check", json={"key": key}, headers=await self._bearer()
        )
        if answer.status_code == 401:  # our token expired early or keys rotated: once more with a new one
            self._token = None
            answer = await self.client.post(
                f"{IDENTITY_PREFIX}/keys/check", json={"key": key}, headers=await self._bearer()
            )
        answer.raise_for_status()
        check = answer.json()
        if not check["active"]:
            return None
        return ApiKeyInfo(check["key_id"], check["application_id"], check["per_minute"], check.get("owner_id") or "")

    async def _bearer(self) -> dict[str, str]:
        if self._token is None or self._token[0] <= time.monotonic():
            answer = await self.client.post(
                f"{IDENTITY_PREFIX}/token", data={"grant_type": "client_credentials"}, auth=self.credentials
            )
            answer.raise_for_status()
            body = answer.json()
            self._token = (time.monotonic() + body["expires_in"] - 30, body["access_token"])
        return {"authorization": f"Bearer {self._token[1]}"}

    async def close(self) -> None:
        await self.client.aclose()
