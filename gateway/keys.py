"""Distributed mode: the gateway asks the identity service whether an API key is live, as a client of its
own (client credentials, role `gateway`); answers are cached by shared.auth.apikeys.CachedKeyVerifier."""

from __future__ import annotations

import time

import httpx

from shared.auth.apikeys import ApiKeyInfo
from shared.logs import get_logger

log = get_logger("gateway.keys")
PREFIX = "/api/v1/identity"


class RemoteKeyVerifier:
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
        answer = await self.client.post(f"{PREFIX}/keys/check", json={"key": key}, headers=await self._bearer())
        if answer.status_code == 401:  # our token expired early or keys rotated: once more with a new one
            self._token = None
            answer = await self.client.post(f"{PREFIX}/keys/check", json={"key": key}, headers=await self._bearer())
        answer.raise_for_status()
        check = answer.json()
        if not check["active"]:
            return None
        return ApiKeyInfo(check["key_id"], check["application_id"], check["per_minute"])

    async def _bearer(self) -> dict[str, str]:
        if self._token is None or self._token[0] <= time.monotonic():
            answer = await self.client.post(
                f"{PREFIX}/token", data={"grant_type": "client_credentials"}, auth=self.credentials
            )
            answer.raise_for_status()
            body = answer.json()
            self._token = (time.monotonic() + body["expires_in"] - 30, body["access_token"])
        return {"authorization": f"Bearer {self._token[1]}"}

    async def close(self) -> None:
        await self.client.aclose()
