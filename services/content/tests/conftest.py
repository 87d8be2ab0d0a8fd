"""Fixtures of the content service tests: a fresh database per test, the bus and blobs of the
selected backends (embedded by default, real ones when SG_TEST_* name them), and tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from services.content.config import ContentSettings
from services.content.main import SCHEMA, ContentRuntime, create_app
from services.content.tests.support import SiteFactory
from shared.events.content import CHANNELS_TOPIC, DOCUMENTS_TOPIC, SITES_TOPIC
from shared.testing import Backends, EventLog, TestDatabases, Tokens, running, service_settings


@pytest_asyncio.fixture
async def settings(
    backends: Backends, databases: TestDatabases, tokens: Tokens, tmp_path: Path
) -> AsyncIterator[ContentSettings]:
    fixtures = {"backends": backends, "databases": databases, "tokens": tokens, "blobs_dir": tmp_path / "blobs"}
    async with service_settings(
        ContentSettings, SCHEMA, **fixtures, scheduler_enabled=False, relay_poll_seconds=0.02
    ) as settings:
        yield settings


@pytest.fixture
def app(settings: ContentSettings):
    return create_app(settings, access_log=False)


@pytest.fixture
def events(app) -> EventLog:
    """Every event the service publishes, as a consumer on the bus sees it."""
    log = EventLog()
    ContentRuntime.of(app).bus.subscribe("tests.collector", [SITES_TOPIC, CHANNELS_TOPIC, DOCUMENTS_TOPIC], log.handle)
    return log


@pytest_asyncio.fixture
async def client(app, events: EventLog) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as http:
        yield http


@pytest.fixture
def sites(client: httpx.AsyncClient, tokens: Tokens) -> SiteFactory:
    return SiteFactory(client, tokens)
