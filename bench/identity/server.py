"""The identity app in a process of its own, as the HTTP parts measure it: `python -m bench.identity serve`
under `taskset -c 0`, started, waited for and stopped through bench.processes."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from bench.common import quiet_logs
from bench.identity.seeding import identity_settings
from bench.processes import free_port, spawn, stop, taskset, wait_ready


def serve(db: Path, port: int) -> None:
    """The identity app on a migrated, seeded database, as the HTTP parts measure it."""
    import uvicorn

    from services.identity import create_app
    from shared.web import UVICORN_OPTIONS, FreezeAfterStartup

    quiet_logs()
    app = FreezeAfterStartup(create_app(identity_settings(db), access_log=False))  # as `sitegroup serve` runs it
    uvicorn.run(app, host="127.0.0.1", port=port, workers=1, log_level="warning", access_log=False, **UVICORN_OPTIONS)


@dataclass
class Server:
    """The server process, its port and its log (read after the run for anything it complained about)."""

    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_lines(self) -> list[str]:
        return [line for line in self.log.read_text(errors="replace").splitlines() if line.strip()]


@contextlib.asynccontextmanager
async def server_process(tmp: Path, db: Path, *, pin: bool) -> AsyncIterator[Server]:
    """`bench.identity serve` in a process of its own (under `taskset -c 0`), ready; stopped by its pid."""
    port = free_port()
    command = [*taskset(pin), sys.executable, "-m", "bench.identity", "serve", "--db", str(db), "--port", str(port)]
    server = Server(spawn(command, tmp / "server.log"), port, tmp / "server.log")
    try:
        await wait_ready(server.process, f"{server.base_url}/readyz", server.log, timeout=60.0)
        yield server
    finally:
        await stop(server.process)
