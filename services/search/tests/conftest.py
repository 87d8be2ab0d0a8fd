"""Fixtures of the search tests: a fresh database per test, the selected bus, and the selected engine —
embedded tantivy by default, the real Elasticsearch when SG_TEST_SEARCH_URL names one (an alias per test)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio

from services.search.config import SearchSettings
from services.search.main import SCHEMA, SearchRuntime, create_app
from services.search.tests.support import FEIXI, HEFEI, MAS
from shared.events.samples import Feeder
from shared.testing import Backends, TestDatabases, Tokens, running, service_settings

ENGINE_URL = os.environ.get("SG_TEST_SEARCH_URL") or None


@pytest_asyncio.fixture
async def settings(
    backends: Backends, databases: TestDatabases, tokens: Tokens, tmp_path: Path
) -> AsyncIterator[SearchSettings]:
    fixtures = {"backends": backends, "databases": databases, "tokens": tokens, "blobs_dir": tmp_path / "blobs"}
    engine = {"engine_url": ENGINE_URL, "index_name": f"sgt-{uuid.uuid4().hex[:10]}"} if ENGINE_URL else {}
    async with service_settings(SearchSettings, SCHEMA, **fixtures, index_dir=tmp_path / "index", **engine) as s:
        yield s


@pytest_asyncio.fixture
async def app(settings: SearchSettings) -> AsyncIterator:
    app = create_app(settings, access_log=False)
    yield app
    engine = SearchRuntime.of(app).deps.engine
    if hasattr(engine, "drop"):  # Elasticsearch: the test's indexes go with it
        from services.search.engines.elastic import ElasticEngine

        fresh = ElasticEngine(settings.engine_url, settings.index_name)
        await fresh.drop()
        await fresh.close()


@pytest_asyncio.fixture
async def api(app) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as http:
        yield http


@pytest_asyncio.fixture
async def feeder(app, api) -> Feeder:
    bus = SearchRuntime.of(app).bus
    await bus.wait_ready()
    return Feeder(bus)


@pytest_asyncio.fixture
async def province(feeder: Feeder) -> dict[str, dict[str, int]]:
    """Three sites opened (合肥, 马鞍山, and 肥西 under 合肥): site id → channel path → channel id."""
    return {s.id: await feeder.open_site(s) for s in (HEFEI, MAS, FEIXI)}
