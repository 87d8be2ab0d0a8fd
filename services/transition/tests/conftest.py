"""Fixtures of the migration service tests: a fresh database per test, the selected bus and blobs (embedded by
default, PostgreSQL, Kafka and S3 when SG_TEST_* name them), the target sites fed as content events, a stand-in
for the content library's answers, and a legacy county site served on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import pytest_asyncio

from services.transition.config import TransitionSettings
from services.transition.main import SCHEMA, TransitionRuntime, create_app
from services.transition.tests.legacy_site import legacy_site
from services.transition.tests.support import ContentStandIn
from shared.events.samples import Feeder, eventually, site
from shared.events.transition import STAGED_TOPIC, URLMAP_TOPIC
from shared.testing import Backends, EventLog, TestDatabases, Tokens, running, serve_on_port, service_settings

FEIXI = site("feixi", "肥西县人民政府", "3401230001", level="county")
HEFEI = site("hefei", "合肥市人民政府", "3401000001")


@pytest_asyncio.fixture
async def settings(
    backends: Backends, databases: TestDatabases, tokens: Tokens, tmp_path: Path
) -> AsyncIterator[TransitionSettings]:
    fixtures = {"backends": backends, "databases": databases, "tokens": tokens, "blobs_dir": tmp_path / "blobs"}
    async with service_settings(TransitionSettings, SCHEMA, **fixtures, runner_poll_seconds=0.05) as s:
        yield s


@pytest.fixture
def app(settings: TransitionSettings):
    return create_app(settings, access_log=False)


@pytest.fixture
def events(app) -> EventLog:
    log = EventLog()
    TransitionRuntime.of(app).bus.subscribe("tests.collector", [STAGED_TOPIC, URLMAP_TOPIC], log.handle)
    return log


@pytest.fixture
def content(app) -> ContentStandIn:
    bus = TransitionRuntime.of(app).bus
    stand_in = ContentStandIn(Feeder(bus))
    stand_in.attach(bus)
    return stand_in


@pytest_asyncio.fixture
async def api(app, events: EventLog, content: ContentStandIn) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as http:
        yield http


@pytest_asyncio.fixture
async def channels(app, api) -> dict[str, int]:
    """The target sites, as content announced them: their channels by path."""
    bus = TransitionRuntime.of(app).bus
    await bus.wait_ready()
    feeder = Feeder(bus)
    await feeder.open_site(HEFEI)
    opened = await feeder.open_site(FEIXI)
    deps = TransitionRuntime.of(app).deps

    async def heard() -> bool:  # every channel: on Kafka each travels on its own partition, in its own time
        async with deps.platform_uow() as uow:
            known = [len(await uow.repo.channels(site)) for site in ("hefei", "feixi")]
        return known == [len(opened), len(opened)]

    await eventually(heard, timeout=45)
    return opened


@pytest.fixture
def old_site():
    app, visits = legacy_site(60)
    with serve_on_port(app) as base:
        yield urlsplit(base).netloc, visits
