"""Each side in a process of its own on core 0, one at a time: our portal (`bench.opendata.server`) with the CSV
published through its API, and Datasette from its own virtualenv (made on first use, never in .venv)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, console
from bench.opendata import API, DATASET, DATASETTE_VERSION, SITE_ID
from bench.opendata.data import COLUMNS
from bench.opendata.stream import rss_watch
from bench.processes import cpu_between, cpu_sample, free_port, spawn, stop, taskset, wait_ready
from bench.publish.http import ServerProcess  # the server process as bench.publish reports it
from shared.testing import Tokens

DATASETTE_VENV = ROOT / "var" / "bench" / "datasette-venv"
DATASETTE = DATASETTE_VENV / "bin" / "datasette"
DESCRIPTION = {
    "name": DATASET,
    "title": "合肥市空气质量监测小时数据",
    "notes": "合肥市各空气质量监测站点逐小时监测数据：PM2.5、PM10、O3、CO 浓度，AQI、首要污染物与空气质量等级。",
    "publisher": "合肥市生态环境局",
    "theme": "资源环境",
    "access": "open",
    "frequency": "实时",
    "license_id": "gov-open",
    "tags": ["空气质量", "AQI", "PM2.5"],
}


@contextlib.asynccontextmanager
async def serving(name: str, command: list[str], port: int, log: Path, ready: str) -> AsyncIterator[ServerProcess]:
    """A server process until the block ends; its log lines are printed when it wrote any."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENDATA_", "SITEGROUP_"))}
    server = ServerProcess(spawn(command, log, env), port, log, command)
    try:
        server.ready_seconds = await wait_ready(server.process, f"{server.base_url}{ready}", log)
        yield server
    finally:
        await stop(server.process)
        lines = log.read_text(errors="replace").splitlines()
        server.log_lines = [line for line in lines if line.strip() and not line.startswith("INFO:")]  # uvicorn's
        if server.log_lines:
            console.print(f"[yellow]{name} wrote {len(server.log_lines)} log lines; the last ones:[/]")
            console.print("\n".join(server.log_lines[-10:]), markup=False, highlight=False)


def ours(tmp: Path, tokens: Tokens, *, pin: bool) -> contextlib.AbstractAsyncContextManager[ServerProcess]:
    """`bench.opendata.server` pinned to core 0, on a data directory of the run."""
    port = free_port()
    command = [*taskset(pin), sys.executable, "-m", "bench.opendata.server", "--port", str(port)]
    command += ["--data-dir", str(tmp / "ours"), "--jwks-url", tokens.jwks_url]
    return serving("bench.opendata.server", command, port, tmp / "ours.log", "/readyz")


def datasette(database: Path, tmp: Path, *, pin: bool) -> contextlib.AbstractAsyncContextManager[ServerProcess]:
    """`datasette serve` with a 10 s SQL time limit and no cap on CSV exports (the default stops at 100 MB)."""
    port = free_port()
    command = [*taskset(pin), str(DATASETTE), "serve", str(database), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--setting", "sql_time_limit_ms", "10000", "--setting", "max_csv_mb", "0"]
    return serving("datasette", command, port, tmp / "datasette.log", "/-/versions.json")


def ensure_datasette() -> str:
    """Datasette in var/bench/datasette-venv (python -m venv + pip install), made only when missing."""
    if not DATASETTE.exists():
        console.print(f"[dim]installing datasette=={DATASETTE_VERSION} into {DATASETTE_VENV.relative_to(ROOT)}[/]")
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        pip = [str(DATASETTE_VENV / "bin" / "pip"), "install", "--quiet", f"datasette=={DATASETTE_VERSION}"]
        subprocess.run(pip, check=True)
    version = subprocess.run([str(DATASETTE), "--version"], capture_output=True, text=True, check=True).stdout
    if DATASETTE_VERSION not in version:
        raise SystemExit(f"{DATASETTE} is {version.strip()!r}, not {DATASETTE_VERSION}: remove the venv to reinstall")
    return version.strip()


async def publish(server: ServerProcess, tokens: Tokens, csv_path: Path) -> dict[str, Any]:
    """The publisher's three calls (describe, upload + load, publish); the upload timed, the server's RSS sampled."""
    headers = tokens.bearer("hf-sthjj", (SITE_ID, "data_publisher"))
    desk = f"{API}/sites/{SITE_ID}/desk/datasets"
    async with httpx.AsyncClient(base_url=server.base_url, timeout=3600.0) as client:
        made = await client.post(desk, json=DESCRIPTION, headers=headers)
        expect(made, 201, "describing the dataset")
        began, before = time.perf_counter(), cpu_sample(server.process.pid)
        async with rss_watch(server.process.pid) as rss:
            with csv_path.open("rb") as data:
                files = {"file": ("合肥市空气质量监测小时数据.csv", data, "text/csv")}
                sent = await client.post(f"{desk}/{DATASET}/resources", headers=headers, files=files)
        seconds, cpu = time.perf_counter() - began, cpu_between(before, cpu_sample(server.process.pid))
        expect(sent, 201, "uploading the CSV")
        expect(await client.post(f"{desk}/{DATASET}/publish", headers=headers), 200, "publishing")
    resource = sent.json()
    inferred = [(c["id"], c["type"]) for c in resource["columns"]]
    if inferred != list(COLUMNS):
        raise SystemExit(f"the portal read other columns than Datasette's file holds: {inferred}")
    size = csv_path.stat().st_size
    return {"resource_id": resource["id"], "rows": resource["row_count"], "bytes": size, "seconds": seconds,
            "rows_per_s": resource["row_count"] / seconds, "mb_per_s": size / 1e6 / seconds,
            "rss_kib": {"before": rss[0], "peak": max(rss), "after": rss[-1]}, "cpu": cpu}  # fmt: skip


def expect(response: httpx.Response, status: int, doing: str) -> None:
    """A publishing call that fails stops the run: nothing can be measured without the table."""
    if response.status_code != status:
        raise SystemExit(f"{doing}: {response.status_code} {response.text[:500]}")
