"""--mode http: the content service as `bench.server` in a process of its own pinned to core 0, the load
generator on core 1, the events stamped by a collector inside the server and the CPU read from /proc."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.common import console, fresh_database
from bench.processes import (
    CLIENT_CORE,
    SERVER_CORE,
    backend_pids,
    cpu_between,
    cpu_sample,
    free_port,
    spawn,
    stop,
    taskset,
    wait_ready,
)
from bench.publish import CONFIGS
from bench.publish.workload import (
    Driver,
    NoSql,
    Staff,
    bench_environment,
    figures,
    harness_floor,
    make_plan,
    open_sites,
)
from bench.rawhttp import RawClient
from shared.testing import Tokens


@dataclass
class ServerProcess:
    process: Any
    port: int
    log: Path
    command: list[str]
    ready_seconds: float = 0.0
    log_lines: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.asynccontextmanager
async def server_process(tmp: Path, database_url: str, bus_url: str, tokens: Tokens, *, pin: bool):
    """`bench.server` in a process of its own (pinned to core 0), migrated and ready; stopped by its pid."""
    port = free_port()
    command = [*taskset(pin), sys.executable, "-m", "bench.server", "--port", str(port)]
    command += ["--database-url", database_url, "--bus-url", bus_url, "--jwks-url", tokens.jwks_url]
    command += ["--blob-url", f"file://{tmp / 'blobs'}"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTENT_", "SITEGROUP_"))}
    log = tmp / "server.log"
    server = ServerProcess(spawn(command, log, env), port, log, command)
    try:
        server.ready_seconds = await wait_ready(server.process, f"{server.base_url}/readyz", log)
        yield server
    finally:
        await stop(server.process)
        server.log_lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
        if server.log_lines:
            console.print(f"[yellow]bench.server wrote {len(server.log_lines)} log lines; the last ones:[/]")
            console.print("\n".join(server.log_lines[-15:]), markup=False, highlight=False)


@contextlib.asynccontextmanager
async def load_clients(server: ServerProcess, args: argparse.Namespace) -> AsyncIterator[tuple[Any, Any]]:
    """httpx for setup and the event stamps; the measured calls through the raw client unless --client httpx
    (httpx would saturate the load generator's core first, bench.rawhttp)."""
    limits = httpx.Limits(max_connections=args.workers, max_keepalive_connections=args.workers)
    async with httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=60.0) as client:
        if args.client == "httpx":
            yield client, client
            return
        async with RawClient(server.port, args.workers) as raw:
            yield client, raw


async def run_config_http(name: str, args: argparse.Namespace, backends) -> dict[str, Any]:
    """One configuration over HTTP: a fresh database, the server started and migrated, the documents driven."""
    async with (
        bench_environment(name, backends, "bench.publish --mode http") as (kafka, bus_url, tmp, tokens),
        fresh_database(  # not migrated here: bench.server migrates it before it starts
            "postgres" if kafka else "sqlite", tmp, "publish", admin_url=backends.database_url if kafka else None
        ) as url,
        server_process(tmp, url, bus_url, tokens, pin=not args.unpinned) as server,
        load_clients(server, args) as (client, calls),
    ):
        result = await measure_http(name, args, client, calls, tokens, server)
    return result | {
        "migrate_seconds": server.ready_seconds,
        "server_log": {"lines": len(server.log_lines), "last": server.log_lines[-15:]},
        "config": CONFIGS[name],
    }


async def wait_events(client: httpx.AsyncClient, count: int, timeout: float) -> int:
    response = await client.get("/bench/wait", params={"count": count, "timeout": timeout}, timeout=timeout + 30)
    response.raise_for_status()
    return response.json()["received"]


async def warm_up(driver: Driver, client: httpx.AsyncClient, plan: list, args: argparse.Namespace) -> int:
    """Publish the warm-up documents and wait for their events; how many there were."""
    if args.warmup:
        await driver.drive(plan[: args.warmup], args.workers)
        received = await wait_events(client, len(driver.runs), args.event_timeout)
        if driver.errors or received < len(driver.runs):
            raise SystemExit(f"warm-up failed: {driver.errors[:3]}; events {received} of {len(driver.runs)}")
        await asyncio.sleep(0.3)  # let the relay and consumers finish the warm-up's trailing work
    warm = len(driver.runs)
    driver.runs.clear()
    return warm


async def measure_http(
    name: str, args: argparse.Namespace, client: httpx.AsyncClient, calls, tokens: Tokens, server: ServerProcess
) -> dict[str, Any]:
    sites, channels = await open_sites(client, tokens, args.sites)
    plan = make_plan(sites, channels, args.warmup + args.docs)
    driver = Driver(calls, NoSql(), Staff.of(tokens, sites), clock=time.time)
    warm = await warm_up(driver, client, plan, args)

    pid, watched = server.process.pid, backend_pids() if name == "postgres-kafka" else {}
    cpu_start = cpu_sample(pid, watched)
    began = time.time()
    open_loop = await driver.run(plan[args.warmup :], args)
    api_done = time.time()
    cpu_api = cpu_sample(pid, watched)
    await wait_events(client, warm + len(driver.runs), args.event_timeout)
    cpu_end = cpu_sample(pid, watched)
    fetched = (await client.get("/bench/events")).json()
    arrived = {key: ns / 1e9 for key, ns in fetched["events"].items()}
    await asyncio.sleep(0.3)  # let the consumers finish before the floor is measured
    cpu_floor = cpu_sample(pid, watched)
    baseline = await harness_floor(calls, args.workers, 3000)
    baseline["cpu"] = cpu_between(cpu_floor, cpu_sample(pid, watched))
    await asyncio.sleep(0.2)  # leave the relay idle before shutdown (bench/README.md: shutting the app down)

    result: dict[str, Any] = {
        "mode": "http",
        "documents": args.docs,
        "workers": args.workers,
        "connections": args.workers,
        "client": args.client,
        "pinned": None if args.unpinned else {"server": SERVER_CORE, "load_generator": CLIENT_CORE},
        "server_command": server.command,
        "sites": [s.id for s in sites],
        "warmup": args.warmup,
        **figures(driver, arrived, began, api_done),
        "event_bytes_mean": fetched["sizes"]["mean"],
        "cpu": cpu_between(cpu_start, cpu_end),
        "cpu_until_last_response": cpu_between(cpu_start, cpu_api),
        "sql": {},
        "harness_floor": baseline,
        "profiled": False,
    }
    if open_loop:
        result["open_loop"] = open_loop
    return result
