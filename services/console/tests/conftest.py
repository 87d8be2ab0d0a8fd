"""Fixtures of the console's own tests: its database (embedded or real PostgreSQL), the provider's keys, and a
stand-in token endpoint that counts the refreshes it is asked for."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio

from services.console.config import ConsoleSettings
from services.console.main import SCHEMA, ConsoleRuntime
from shared.testing import Backends, TestDatabases, Tokens, service_settings


class TokenEndpoint:
    """The provider's token endpoint as the console meets it: every refresh rotates the refresh token."""

    def __init__(self, tokens: Tokens) -> None:
        self.tokens, self.refreshes = tokens, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        form = dict(httpx.QueryParams(request.content.decode()))
        if request.url.path != "/api/v1/identity/token" or form.get("grant_type") != "refresh_token":
            return httpx.Response(400, json={"error": "invalid_request"})
        self.refreshes.append(form["refresh_token"])
        access = self.tokens.signer.mint("u-wangfang", name="王芳", lifetime=600)
        return httpx.Response(
            200, json={"access_token": access, "expires_in": 600, "refresh_token": f"rt{len(self.refreshes)}"}
        )


@pytest_asyncio.fixture
async def settings(
    backends: Backends, databases: TestDatabases, tokens: Tokens, tmp_path: Path
) -> AsyncIterator[ConsoleSettings]:
    async with service_settings(
        ConsoleSettings, SCHEMA, backends=backends, databases=databases, tokens=tokens, blobs_dir=tmp_path
    ) as made:
        yield made


@pytest_asyncio.fixture
async def endpoint(tokens: Tokens) -> TokenEndpoint:
    return TokenEndpoint(tokens)


@pytest_asyncio.fixture
async def runtime(settings: ConsoleSettings, endpoint: TokenEndpoint) -> AsyncIterator[ConsoleRuntime]:
    made = ConsoleRuntime(settings, transport=httpx.MockTransport(endpoint))
    try:
        yield made
    finally:
        await made.stop()
