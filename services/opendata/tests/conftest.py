"""Fixtures of the open-data tests: a fresh catalogue database and datastore per test (the datastore beside the
catalogue on PostgreSQL, a file of its own on SQLite), the selected bus and blobs, API keys checked by a stand-in
for the identity service, and two sites (合肥市 and 肥西县) fed as content events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from services.opendata.config import OpendataSettings
from services.opendata.main import SCHEMA, OpendataRuntime, create_app
from services.opendata.tests.support import FEIXI, HEFEI, KEYS, Keys
from shared.events.opendata import DATASETS_TOPIC
from shared.events.samples import Feeder, eventually
from shared.events.searchable import SEARCHABLE_TOPIC
from shared.testing import Backends, EventLog, TestDatabases, Tokens, running, service_settings


@pytest_asyncio.fixture
async def settings(
    backends: Backends, databases: TestDatabases, tokens: Tokens, tmp_path: Path
) -> AsyncIterator[OpendataSettings]:
    fixtures = {"backends": backends, "databases": databases, "tokens": tokens, "blobs_dir": tmp_path / "blobs"}
    async with service_settings(OpendataSettings, SCHEMA, **fixtures, usage_flush_seconds=0.1) as s:
        datastore = s.database_url if backends.database_url else f"sqlite:///{tmp_path / 'datastore.db'}"
        yield s.model_copy(update={"datastore_url": datastore, "portal_url": "http://data.localhost:8000/"})


@pytest.fixture
def keys() -> Keys:
    return Keys(dict(KEYS))


@pytest_asyncio.fixture
async def app(settings: OpendataSettings, keys: Keys):
    return create_app(settings, key_verifier=keys.verify, access_log=False)


@pytest.fixture
def events(app) -> EventLog:
    log = EventLog()
    OpendataRuntime.of(app).bus.subscribe("tests.collector", [DATASETS_TOPIC, SEARCHABLE_TOPIC], log.handle)
    return log


@pytest_asyncio.fixture
async def api(app, events: EventLog) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as http:
        yield http


@pytest_asyncio.fixture
async def runtime(app, api) -> OpendataRuntime:
    return OpendataRuntime.of(app)


@pytest_asyncio.fixture
async def sites(runtime: OpendataRuntime, api) -> None:
    """合肥市 and 肥西县, known from their content events."""
    await runtime.bus.wait_ready()
    feeder = Feeder(runtime.bus)
    await feeder.open_site(HEFEI)
    await feeder.open_site(FEIXI)

    async def known() -> bool:
        async with runtime.deps.platform_uow() as uow:
            return len(await uow.repo.sites()) == 2

    await eventually(known)
