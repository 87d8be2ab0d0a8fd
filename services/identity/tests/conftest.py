"""Fixtures of the identity tests: a fresh database per test (embedded or real PostgreSQL), the provider
running in-process, and the demo people and clients the flows use."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from services.identity.config import IdentitySettings
from services.identity.main import SCHEMA, IdentityRuntime, create_app
from services.identity.tests.support import ISSUER, People, seed_people
from shared.testing import TestDatabases, running


@pytest_asyncio.fixture
async def settings(databases: TestDatabases, tmp_path: Path) -> AsyncIterator[IdentitySettings]:
    url = await databases.fresh(SCHEMA)
    # argon2 at its floor here: the tests check behaviour; bench.identity measures the real cost.
    yield IdentitySettings(
        database_url=url, issuer=ISSUER, argon2_time_cost=1, argon2_memory_kib=8 * 1024, log_json=False
    )
    await databases.drop(url)


@pytest.fixture
def relying_parties() -> list[httpx.Request]:
    """What the provider sent to the clients' back-channel logout endpoints."""
    return []


@pytest.fixture
def app(settings: IdentitySettings, relying_parties: list[httpx.Request]):
    def site_answers(request: httpx.Request) -> httpx.Response:
        relying_parties.append(request)
        return httpx.Response(200)

    return create_app(settings, transport=httpx.MockTransport(site_answers), access_log=False)


@pytest_asyncio.fixture
async def idp(app) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as http:
        http.base_url = httpx.URL(ISSUER.removesuffix("/api/v1/identity"))
        yield http


@pytest_asyncio.fixture
async def people(app, idp) -> People:
    return await seed_people(IdentityRuntime.of(app).deps)
