"""The consolidated app on a data directory: in this process (prepare), under uvicorn as `serve` runs it,
and `bench.pages serve` started as a process of its own on the server's core (visible)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from bench.common import quiet_logs
from bench.pages import LIST_PATH, PY
from bench.pages.workflow import page_bytes
from bench.processes import spawn, stop, taskset, wait_ready


def platform_settings(data: Path, port: int = 8000):
    """The platform's settings on `data`: no demo seeding, warnings only."""
    from sitegroup.settings import PlatformSettings

    return PlatformSettings(data_dir=data, seed_demo=False, port=port, log_level="WARNING")


def build_app(settings):
    """The consolidated app with the gateway's rate limits and access log off, so the bench measures pages."""
    from gateway.config import GatewaySettings
    from sitegroup.consolidated import ConsolidatedApp

    gateway = GatewaySettings(page_rate_per_ip=0, rate_per_ip=0, access_log=False)
    return ConsolidatedApp(settings, gateway=gateway)


@contextlib.asynccontextmanager
async def in_process(data: Path) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """The consolidated app on `data`, lifespan started, and an in-process client to it."""
    from sitegroup.consolidated import migrate_all

    settings = platform_settings(data)
    await migrate_all(settings)
    app = build_app(settings)
    async with app.lifespan():
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            yield app, http


def serve(data: Path, port: int, *, uncached: bool, mirror: bool) -> None:
    """The consolidated app on a prepared directory, as the rows run it."""
    import uvicorn

    from shared.web import UVICORN_OPTIONS, FreezeAfterStartup
    from sitegroup.consolidated import migrate_all

    os.environ["RENDER_CACHE_ENABLED"] = "false" if uncached else "true"
    os.environ["RENDER_MIRROR_ENABLED"] = "true" if mirror else "false"
    quiet_logs()
    settings = platform_settings(data, port)
    asyncio.run(migrate_all(settings))
    uvicorn.run(
        FreezeAfterStartup(build_app(settings)),  # as `sitegroup serve` runs it
        host="127.0.0.1",
        port=port,
        workers=1,
        log_level="warning",
        access_log=False,
        **UVICORN_OPTIONS,
    )


@contextlib.asynccontextmanager
async def serving(data: Path, port: int, log: Path) -> AsyncIterator[subprocess.Popen]:
    """`taskset -c 0 … bench.pages serve --mirror` on `data` (cache and mirror on, as deployed), up once the
    channel list page answers, stopped by PID."""
    command = [*taskset(True), str(PY), "-m", "bench.pages", "serve", "--data", str(data)]
    command += ["--port", str(port), "--mirror"]
    process = spawn(command, log)
    try:
        await wait_ready(process, f"http://127.0.0.1:{port}/readyz", log)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            await page_bytes(http, LIST_PATH)
        yield process
    finally:
        await stop(process)
