"""Fixtures of the render service tests: a fresh database per test, the bus and blobs of the selected
backends (embedded by default, real ones when SG_TEST_* name them), a feeder of content events, tokens."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from services.render.config import RenderSettings
from services.render.main import MIGRATIONS, VERSION_TABLE, create_app
from services.render.tests.support import Feeder
from shared.testing import TEST_AUDIENCE, TEST_ISSUER, Backends, TestDatabases, Tokens, running


@pytest_asyncio.fixture
async def settings(
    backends: Backends, databases: TestDatabases, tokens: Tokens, tmp_path: Path
) -> AsyncIterator[RenderSettings]:
    url = await databases.fresh("render", MIGRATIONS, VERSION_TABLE)
    namespace = f"r{uuid.uuid4().hex[:10]}"
    yield RenderSettings(
        database_url=url,
        bus_url=backends.bus_url_for(namespace),
        blob_url=backends.blob_url or f"file://{tmp_path / 'blobs'}",
        auth_jwks_url=tokens.jwks_url,
        auth_issuer=TEST_ISSUER,
        auth_audience=TEST_AUDIENCE,
        page_size=5,
        log_json=False,
    )
    await databases.drop(url)
    await backends.drop_namespace(namespace)


@pytest.fixture
def app(settings: RenderSettings):
    return create_app(settings, access_log=False)


@pytest_asyncio.fixture
async def api(app) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as http:
        yield http


@pytest_asyncio.fixture
async def pages(app, api) -> AsyncIterator[httpx.AsyncClient]:
    """The page server, as the gateway reaches it."""
    transport = httpx.ASGITransport(app.state.pages, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://www.hefei.gov.cn") as client:
        yield client


@pytest_asyncio.fixture
async def feeder(app, api) -> Feeder:
    bus = app.state.runtime.bus
    await bus.wait_ready()  # a new Kafka namespace: publish only once the renderer's group is positioned
    return Feeder(bus)
