"""End-to-end fixtures: the whole consolidated platform in-process, on a fresh data directory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio

from sitegroup.consolidated import ConsolidatedApp, migrate_all
from sitegroup.settings import PlatformSettings


@pytest_asyncio.fixture
async def platform(tmp_path: Path) -> AsyncIterator[ConsolidatedApp]:
    # Migration jobs run on this loop: a child process per test costs a second; tests/test_import_site_cli.py
    # runs them in the child, as `sitegroup serve` does.
    settings = PlatformSettings(data_dir=tmp_path / "var", seed_demo=False, port=8765, migration_process=False)
    await migrate_all(settings)
    app = ConsolidatedApp(settings)
    async with app.lifespan():
        yield app


@pytest_asyncio.fixture
async def http(platform: ConsolidatedApp) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(platform, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as client:
        yield client
