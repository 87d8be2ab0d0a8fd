"""Fixtures of the interaction tests: a fresh database per test, the selected bus and blobs, a loopback SMTP
server receiving the desk's mail, and two sites (肥西县 with its mailboxes, 合肥市) fed as content events."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from services.interaction.config import InteractionSettings
from services.interaction.main import SCHEMA, InteractionRuntime, create_app
from services.interaction.tests.support import FEIXI, HEFEI, Inbox, open_units, smtp_server
from shared.events.interaction import ENGAGEMENT_TOPIC, LETTERS_TOPIC
from shared.events.samples import Feeder, eventually
from shared.events.searchable import SEARCHABLE_TOPIC
from shared.testing import Backends, EventLog, TestDatabases, Tokens, running, service_settings


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest_asyncio.fixture
async def settings(
    backends: Backends, databases: TestDatabases, tokens: Tokens, tmp_path: Path, smtp: tuple[Inbox, int]
) -> AsyncIterator[InteractionSettings]:
    fixtures = {"backends": backends, "databases": databases, "tokens": tokens, "blobs_dir": tmp_path / "blobs"}
    async with service_settings(
        InteractionSettings,
        SCHEMA,
        **fixtures,
        smtp_url=f"smtp://127.0.0.1:{smtp[1]}",
        mail_poll_seconds=0.05,
        watch_enabled=False,
        site_url_template="http://{site}.localhost:8000",
    ) as s:
        yield s


@pytest.fixture
def mail(smtp: tuple[Inbox, int]) -> Inbox:
    return smtp[0]


@pytest_asyncio.fixture
async def app(settings: InteractionSettings):
    return create_app(settings, access_log=False)


@pytest.fixture
def events(app) -> EventLog:
    """Every event the desk publishes (its letters' steps, its search entries), as a consumer sees it."""
    log = EventLog()
    InteractionRuntime.of(app).bus.subscribe(
        "tests.collector", [LETTERS_TOPIC, ENGAGEMENT_TOPIC, SEARCHABLE_TOPIC], log.handle
    )
    return log


@pytest_asyncio.fixture
async def api(app, events: EventLog) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as http:
        yield http


@pytest_asyncio.fixture
async def runtime(app, api) -> InteractionRuntime:
    return InteractionRuntime.of(app)


@pytest_asyncio.fixture
async def sites(runtime: InteractionRuntime, api, tokens: Tokens) -> None:
    """肥西县 and 合肥市 known from their content events; 肥西县 with a mailbox and two departments."""
    await runtime.bus.wait_ready()
    feeder = Feeder(runtime.bus)
    await feeder.open_site(FEIXI)
    await feeder.open_site(HEFEI)

    async def known() -> bool:
        forms = [await api.get(f"/api/v1/interaction/sites/{s}/letters/form") for s in ("feixi", "hefei")]
        return all(f.status_code == 200 for f in forms)

    await eventually(known)
    await open_units(api, tokens, emails={"jyj": "jyj@feixi.gov.cn"})
    await open_units(api, tokens, "hefei")
