"""Fixtures of the render service tests: a fresh database per test, the bus and blobs of the selected
backends (embedded by default, real ones when SG_TEST_* name them), a feeder of content events, tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from services.render.config import RenderSettings
from services.render.main import SCHEMA, RenderRuntime, create_app
from services.render.tests.support import Feeder
from shared.testing import Backends, TestDatabases, Tokens, running, service_settings


@pytest_asyncio.fixture
async def settings(
    backends: Backends, databases: TestDatabases, tokens: Tokens, tmp_path: Path
) -> AsyncIterator[RenderSettings]:
    fixtures = {"backends": backends, "databases": databases, "tokens": tokens, "blobs_dir": tmp_path / "blobs"}
    async with service_settings(RenderSettings, SCHEMA, **fixtures, page_size=5) as settings:
        yield settings


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
    transport = httpx.ASGITransport(RenderRuntime.of(app).pages, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://www.hefei.gov.cn") as client:
        yield client


@pytest_asyncio.fixture
async def feeder(app, api) -> Feeder:
    bus = RenderRuntime.of(app).bus
    await bus.wait_ready()  # a new Kafka namespace: publish only once the renderer's group is positioned
    return Feeder(bus)
