"""Fixtures of the content service tests: a fresh database per test, the bus and blobs of the
selected backends (embedded by default, real ones when SG_TEST_* name them), and tokens."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from services.content.config import ContentSettings
from services.content.main import MIGRATIONS, VERSION_TABLE, create_app
from services.content.tests.support import EventLog, SiteFactory
from shared.events.content import CHANNELS_TOPIC, DOCUMENTS_TOPIC, SITES_TOPIC
from shared.testing import TEST_AUDIENCE, TEST_ISSUER, Backends, TestDatabases, Tokens, running


@pytest_asyncio.fixture
async def settings(
    backends: Backends, databases: TestDatabases, tokens: Tokens, tmp_path: Path
) -> AsyncIterator[ContentSettings]:
    url = await databases.fresh("content", MIGRATIONS, VERSION_TABLE)
    namespace = f"t{uuid.uuid4().hex[:10]}"
    yield ContentSettings(
        database_url=url,
        bus_url=backends.bus_url_for(namespace),
        blob_url=backends.blob_url or f"file://{tmp_path / 'blobs'}",
        auth_jwks_url=tokens.jwks_url,
        auth_issuer=TEST_ISSUER,
        auth_audience=TEST_AUDIENCE,
        scheduler_enabled=False,
        relay_poll_seconds=0.02,
        log_json=False,
    )
    await databases.drop(url)
    await backends.drop_namespace(namespace)


@pytest.fixture
def app(settings: ContentSettings):
    return create_app(settings, access_log=False)


@pytest.fixture
def events(app) -> EventLog:
    """Every event the service publishes, as a consumer on the bus sees it."""
    log = EventLog()
    app.state.runtime.bus.subscribe("tests.collector", [SITES_TOPIC, CHANNELS_TOPIC, DOCUMENTS_TOPIC], log.handle)
    return log


@pytest_asyncio.fixture
async def client(app, events: EventLog) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as http:
        yield http


@pytest.fixture
def sites(client: httpx.AsyncClient, tokens: Tokens) -> SiteFactory:
    return SiteFactory(client, tokens)
