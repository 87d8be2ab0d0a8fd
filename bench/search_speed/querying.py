"""The query phase over HTTP: `sitegroup serve search` on a built database and index, pinned to the server's core
(consumers off: nothing changes while it is measured), the load generator on the other core with
`bench.rawhttp` connections. Per query shape (group scope, site scope): sequential GETs on one connection
(latency at low concurrency), then `--connections` closed-loop connections for `--seconds` (the most
queries/s the server gives; latency at saturation)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson

from bench.common import ROOT, console, summary_ms
from bench.processes import cpu_between, cpu_sample, free_port, spawn, stop, taskset, wait_ready
from bench.rawhttp import RawConnection, raw_request
from bench.search_speed import corpus
from bench.search_speed.indexing import Built, es_pid
from bench.search_speed.spy import profiled, wait_quiet

SITEGROUP = ROOT / ".venv" / "bin" / "sitegroup"
OWN_PREFIXES = ("SITEGROUP_", "SEARCH_")
SEARCH = "/api/v1/search"
DISTURBED_PCT = 25.0


@dataclass
class Server:
    process: subprocess.Popen
    port: int


@contextlib.asynccontextmanager
async def serving(built: Built, *, pin: bool, log: Path) -> AsyncIterator[Server]:
    """`[taskset -c 0] sitegroup serve search` on the built database and index; always stopped."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES)}
    env.update(built.env())
    env.update(
        SEARCH_CONSUMERS_ENABLED="false",
        SEARCH_BUS_URL="memory://",
        SITEGROUP_LOG_LEVEL="WARNING",
        SEARCH_LOG_LEVEL="WARNING",
    )
    command = [*taskset(pin), str(SITEGROUP), "serve", "search", "--port", str(port)]
    process = spawn(command, log, env)
    try:
        began = time.perf_counter()
        await wait_ready(process, f"http://127.0.0.1:{port}/readyz", log, timeout=600.0)
        console.print(f"[dim]  search service up in {time.perf_counter() - began:.1f} s (port {port})[/]")
        yield Server(process, port)
    finally:
        await stop(process)


def request_for(query: corpus.Query, scope: str) -> bytes:
    """GET /api/v1/search with the API's defaults (10 results, snippets, facets), group or site scope."""
    params = {"q": query.q, "site": query.site}
    if scope == "group":
        params["scope"] = "group"
    return raw_request("GET", f"{SEARCH}?{urlencode(params)}", {})


async def check(port: int, requests: list[bytes]) -> dict[str, Any]:
    """Every query once: all answer 200; how many find something, and the mean total."""
    connection = await RawConnection.open(port)
    totals, statuses = [], {}
    try:
        for request in requests:
            status, body = await connection.exchange(request)
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                totals.append(orjson.loads(body)["total"])
            elif len(statuses) == 1 and status != 200:
                raise SystemExit(f"search answered {status}: {body[:300]!r}")
    finally:
        await connection.close()
    return {
        "statuses": statuses,
        "queries": len(requests),
        "with_hits": sum(1 for t in totals if t),
        "mean_total": sum(totals) / max(1, len(totals)),
    }


async def sequential(port: int, requests: list[bytes], count: int, pid: int) -> dict[str, Any]:
    """`count` GETs one after another on one connection, cycling through the queries."""
    connection = await RawConnection.open(port)
    seconds, statuses = [], {}
    before = cpu_sample(pid, _backends())
    try:
        for n in range(count):
            request = requests[n % len(requests)]
            began = time.perf_counter()
            status, _ = await connection.exchange(request)
            seconds.append(time.perf_counter() - began)
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        await connection.close()
    cpu = cpu_between(before, cpu_sample(pid, _backends()))
    return _figures(seconds, statuses, cpu, sum(seconds), connections=1)


async def saturated(port: int, requests: list[bytes], connections: int, duration: float, pid: int) -> dict[str, Any]:
    """`connections` closed-loop workers for `duration` seconds; queries/s and latency."""
    seconds: list[float] = []
    statuses: dict[int, int] = {}
    opened = [await RawConnection.open(port) for _ in range(connections)]
    stop_at = 0.0

    async def worker(connection: RawConnection, offset: int) -> None:
        n = offset
        while time.perf_counter() < stop_at:
            request = requests[n % len(requests)]
            n += 7
            began = time.perf_counter()
            status, _ = await connection.exchange(request)
            seconds.append(time.perf_counter() - began)
            statuses[status] = statuses.get(status, 0) + 1

    before = cpu_sample(pid, _backends())
    began = time.perf_counter()
    stop_at = began + duration
    try:
        await asyncio.gather(*(worker(c, 13 * i) for i, c in enumerate(opened)))
    finally:
        wall = time.perf_counter() - began
        for connection in opened:
            await connection.close()
    cpu = cpu_between(before, cpu_sample(pid, _backends()))
    return _figures(seconds, statuses, cpu, wall, connections=connections)


def _backends() -> dict[str, int]:
    pid = es_pid()
    return {"elasticsearch": pid} if pid else {}


def _figures(
    seconds: list[float], statuses: dict[int, int], cpu: dict[str, float], wall: float, *, connections: int
) -> dict[str, Any]:
    n = len(seconds)
    return summary_ms(seconds) | {
        "connections": connections,
        "qps": n / wall,
        "statuses": statuses,
        "server_cpu_ms_per_query": cpu["server_pct"] * cpu["interval_s"] / 100 / max(1, n) * 1000,
        "cpu": cpu,
    }


async def measure(built: Built, args: Any, pin: bool, log: Path) -> dict[str, Any]:
    """Both query shapes, sequential then saturated; the figures per row. A server that dies under the load (other
    sessions on this machine have killed `sitegroup serve` processes) is started again and the row repeated."""
    queries = corpus.queries(args.queries)
    shapes = {scope: [request_for(q, scope) for q in queries] for scope in ("group", "site")}
    rows: dict[str, Any] = {"server_restarts": 0}
    todo = [*(f"{scope} 1 connection" for scope in shapes), *(f"{scope} saturated" for scope in shapes)]
    todo.sort(key=lambda name: (name.split()[0] != "group", "saturated" in name))
    while True:
        async with serving(built, pin=pin, log=log) as server:
            try:
                await _rows(server, shapes, rows, todo, args, built)
                return rows
            except (OSError, asyncio.IncompleteReadError) as exc:
                await asyncio.sleep(0.5)
                if server.process.poll() is None or rows["server_restarts"] >= 3:
                    raise
                rows["server_restarts"] += 1
                code = server.process.returncode
                console.print(f"[yellow]  the server died ({code}, {exc!r}); starting it again[/]")


async def _rows(
    server: Server, shapes: dict[str, list[bytes]], rows: dict[str, Any], todo: list[str], args: Any, built: Built
) -> None:
    pid = server.process.pid
    for scope, requests in shapes.items():
        rows.setdefault(f"{scope} check", await check(server.port, requests))
    for requests in shapes.values():  # warm-up: the OS page cache, the engine's caches
        await saturated(server.port, requests, args.connections, args.warmup_seconds, pid)
    own = [os.getpid(), pid, *_backends().values()]
    while todo:
        name = todo[0]
        scope = name.split()[0]
        requests = shapes[scope]
        if name.endswith("1 connection"):
            console.print(f"[dim]  {scope} scope: {args.sequential} sequential queries[/]")
            rows[name] = await _undisturbed(
                own, args.quiet_minutes, lambda r=requests: sequential(server.port, r, args.sequential, pid)
            )
        else:
            console.print(f"[dim]  {scope} scope: {args.connections} connections for {args.seconds:.0f} s[/]")
            rows[name] = await _undisturbed(
                own,
                args.quiet_minutes,
                lambda r=requests: saturated(server.port, r, args.connections, args.seconds, pid),
            )
        todo.pop(0)
    if args.profile is not None:  # an extra row, not reported: py-spy's sampling costs the server a little
        with profiled(args.profile, f"server-{built.engine}", pid):
            await saturated(server.port, shapes["group"], args.connections, args.seconds, pid)
    rows["server_rss_mb"] = _rss_mb(pid)


async def _undisturbed(own: list[int], minutes: float, measure_row: Any) -> dict[str, Any]:
    """Measure a row after waiting for a quiet machine; again (twice at most) when others used > 25 % of a core."""
    tries = []
    for _ in range(3):
        gate = await asyncio.to_thread(wait_quiet, own, minutes=minutes)
        row = await measure_row()
        row["quiet"] = gate
        tries.append(row["cpu"]["other_pct"])
        if row["cpu"]["other_pct"] <= DISTURBED_PCT:
            break
        console.print(f"[yellow]  disturbed: others used {row['cpu']['other_pct']:.0f} % of a core; again[/]")
    row["others_pct_of_tries"] = tries
    return row


def _rss_mb(pid: int) -> dict[str, float]:
    found = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS", "VmHWM")):
                name, value = line.split(":")
                found[name] = int(value.split()[0]) / 1024
    return found
