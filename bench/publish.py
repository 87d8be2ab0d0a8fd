"""bench.publish — documents per second through the whole review workflow and the outbox.

Each document is exactly four API calls on the content service, made through its HTTP API, either
in-process (--mode inprocess: httpx.AsyncClient on httpx.ASGITransport, the app's lifespan running as in
shared/testing.py) or over HTTP (--mode http: the service in a process of its own, `bench.server` on
uvicorn pinned to core 0, this load generator pinned to core 1, keep-alive connections):

    POST /sites/{site}/documents {"submit": true, …}   by the site's editor
    POST /sites/{site}/documents/{id}/approve         by reviewer:初审
    POST …/approve                                    by reviewer:审核
    POST …/approve                                    by reviewer:审发 (publishes: outbox → relay → bus)

N workers (default 8 in-process, 16 over HTTP) each walk documents through these calls, or, with
--rate R, a document is started every 1/R s whatever is still in flight (open loop). A collector
subscribed to the bus (like the tests' `events` fixture; in http mode inside the server process) notes
when each content.document.published.v1 arrives; a document counts once its event has reached that
consumer. Publish-to-event latency is measured from just before the final approve is sent, and from its
response, to the collector receiving the event.

    .venv/bin/python -m bench.publish [--mode inprocess|http] [--backend sqlite|postgres-kafka|both]
                                      [--docs 1000] [--workers N] [--rate R]
                                      [--profile var/bench/publish-profile] [--json var/bench/publish.json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.table import Table

from bench import profiling
from bench.common import (
    ROOT,
    Target,
    console,
    delete_kafka_namespace,
    demo_sites,
    document_body,
    fmt,
    fresh_database,
    machine,
    new_namespace,
    quiet_logs,
    real_backends,
    require_kafka,
    site_articles,
    site_body,
    summary_ms,
    warn_if_busy,
    write_json,
)
from bench.rawhttp import RawClient
from bench.sqlstats import SqlStats
from shared.bus import Message
from shared.events.content import DOCUMENTS_TOPIC
from shared.testing import TEST_AUDIENCE, TEST_ISSUER, Tokens, running

API = "/api/v1/content"
PUBLISHED = b"content.document.published.v1"
STEPS = ("初审", "审核", "审发")
CALLS = ("create+submit", "approve 1 初审", "approve 2 审核", "approve 3 审发 (publish)")
CONFIGS = {
    "sqlite": "SQLite file + in-process memory bus + local blobs",
    "postgres-kafka": "PostgreSQL + Kafka + local blobs",
}
THROUGHPUT_TARGET = {"sqlite": Target(200, True, "docs/s")}
P99_TARGET = {"sqlite": Target(50, False, "ms"), "postgres-kafka": Target(500, False, "ms")}


class Collector:
    """A consumer group of its own on the bus: when did each document's published event arrive?"""

    def __init__(self) -> None:
        self.received: dict[str, float] = {}
        self.sizes: list[int] = []
        self._changed = asyncio.Event()

    async def handle(self, message: Message) -> None:
        now = time.perf_counter()
        if dict(message.headers).get("ce-type") != PUBLISHED:
            return
        if message.key not in self.received:
            self.received[message.key] = now
            self.sizes.append(len(message.value))
            self._changed.set()

    async def wait_for(self, keys: set[str], seconds: float) -> set[str]:
        """Wait until every key has arrived (or `seconds` passed); return the ones still missing."""
        deadline = time.perf_counter() + seconds
        while missing := keys - self.received.keys():
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return missing
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.5))
        return set()


@dataclass
class DocRun:
    site: str
    doc_id: str
    started: float
    final_sent: float
    final_done: float
    call_seconds: list[float]


class NoSql:
    """Stands in for SqlStats where there are no in-process hooks (http mode)."""

    def label(self, _label: str | None) -> None:
        pass


@dataclass
class Driver:
    client: httpx.AsyncClient | RawClient
    sql: SqlStats | NoSql
    editors: dict[str, dict[str, str]]
    reviewers: dict[str, list[dict[str, str]]]
    runs: list[DocRun] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # time.perf_counter in-process; time.time in http mode, to compare with the server's arrival stamps
    clock: Callable[[], float] = time.perf_counter
    # In-process, a call through httpx.ASGITransport to async routes on the in-loop SQLite driver never
    # yields to the event loop, so without this the relay and the bus consumers would only run once the
    # load stops; a real socket gives the loop a turn on every call, and so does this (inprocess mode).
    yield_per_call: bool = False
    in_flight: int = 0
    max_in_flight: int = 0

    async def call(self, url: str, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
        if self.yield_per_call:
            await asyncio.sleep(0)
        return await self.client.post(url, json=body, headers=headers)

    async def document(self, site: str, body: dict[str, Any]) -> None:
        clock = self.clock
        self.sql.label(CALLS[0])
        started = clock()
        response = await self.call(f"{API}/sites/{site}/documents", body, self.editors[site])
        calls = [clock() - started]
        if response.status_code != 201:
            self.errors.append(f"create on {site}: {response.status_code} {response.text[:300]}")
            return
        doc_id = response.json()["id"]
        sent = done = 0.0
        for step, headers in enumerate(self.reviewers[site]):
            self.sql.label(CALLS[step + 1])
            sent = clock()
            response = await self.call(f"{API}/sites/{site}/documents/{doc_id}/approve", {"comment": "同意"}, headers)
            done = clock()
            calls.append(done - sent)
            if response.status_code != 200:
                self.errors.append(
                    f"approve {step + 1} of {site}/{doc_id}: {response.status_code} {response.text[:300]}"
                )
                self.sql.label(None)
                return
        self.sql.label(None)
        if response.json().get("public_state") != "live":
            self.errors.append(f"{site}/{doc_id} not live after 3 approvals: {response.text[:300]}")
            return
        self.runs.append(DocRun(site, str(doc_id), started, sent, done, calls))

    async def drive(self, plan: list[tuple[str, dict[str, Any]]], workers: int) -> None:
        items = iter(plan)

        async def worker() -> None:
            for site, body in items:  # one shared iterator: each worker takes the next document
                await self.document(site, body)

        await asyncio.gather(*(worker() for _ in range(workers)))

    async def drive_open(self, plan: list[tuple[str, dict[str, Any]]], rate: float) -> dict[str, Any]:
        """Open loop: start document i at i/rate s, however many are still in flight."""

        async def tracked(site: str, body: dict[str, Any]) -> None:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                await self.document(site, body)
            except httpx.HTTPError as exc:
                self.errors.append(f"{site}: {exc!r}")
            finally:
                self.in_flight -= 1

        tasks: list[asyncio.Task] = []
        late: list[float] = []
        began = time.perf_counter()
        for i, (site, body) in enumerate(plan):
            delay = began + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            late.append(max(0.0, -delay))
            tasks.append(asyncio.create_task(tracked(site, body)))
        offered = time.perf_counter() - began
        await asyncio.gather(*tasks)
        return {
            "rate": rate,
            "started_per_s": len(plan) / offered if offered > 0 else float("nan"),
            "start_lateness_ms": summary_ms(late),
            "max_documents_in_flight": self.max_in_flight,
        }


async def open_sites(client: httpx.AsyncClient, tokens: Tokens, count: int) -> tuple[list, dict[str, dict[str, int]]]:
    operator = tokens.bearer("operator", ("*", "platform_operator"))
    sites = demo_sites(count)
    channels: dict[str, dict[str, int]] = {}
    for site in sites:
        response = await client.post(f"{API}/sites", json=site_body(site), headers=operator)
        if response.status_code != 201:
            raise SystemExit(f"could not open site {site.id}: {response.status_code} {response.text}")
        listed = (await client.get(f"{API}/sites/{site.id}/channels")).json()
        channels[site.id] = {c["path"]: c["id"] for c in listed}
    return sites, channels


def make_plan(sites: list, channels: dict[str, dict[str, int]], count: int) -> list[tuple[str, dict[str, Any]]]:
    """`count` documents, sites taken in turn, each site cycling through its demo articles."""
    pools = {site.id: itertools.cycle(site_articles(site)) for site in sites}
    order = itertools.cycle([site.id for site in sites])
    plan = []
    for _ in range(count):
        site_id = next(order)
        plan.append((site_id, document_body(next(pools[site_id]), channels[site_id])))
    return plan


@contextlib.asynccontextmanager
async def bench_environment(name: str, backends, title: str) -> AsyncIterator[tuple[bool, str, Path, Tokens]]:
    """(kafka?, bus URL, a temp dir, tokens) for one configuration; a Kafka namespace is removed after."""
    kafka = name == "postgres-kafka"
    console.rule(f"{title} — {CONFIGS[name]}")
    namespace = new_namespace("bench") if kafka else ""
    bus_url = backends.bus_url_for(namespace) if kafka else "memory://"
    if kafka:
        await require_kafka(bus_url)
    with tempfile.TemporaryDirectory(prefix="sgbench-publish-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            yield kafka, bus_url, tmp, Tokens(tmp / "keys")
        finally:
            if kafka:
                await delete_kafka_namespace(bus_url, namespace)


async def run_config(name: str, args: argparse.Namespace, backends) -> dict[str, Any]:
    async with bench_environment(name, backends, "bench.publish") as (kafka, bus_url, tmp, tokens):
        from services.content.config import ContentSettings
        from services.content.main import MIGRATIONS, VERSION_TABLE, create_app

        began = time.perf_counter()
        async with fresh_database(
            "postgres" if kafka else "sqlite",
            tmp,
            "publish",
            admin_url=backends.database_url if kafka else None,
            migrations=MIGRATIONS,
            version_table=VERSION_TABLE,
        ) as url:
            migrate_seconds = time.perf_counter() - began
            settings = ContentSettings(
                database_url=url,
                bus_url=bus_url,
                blob_url=f"file://{tmp / 'blobs'}",
                auth_jwks_url=tokens.jwks_url,
                auth_issuer=TEST_ISSUER,
                auth_audience=TEST_AUDIENCE,
                log_json=False,
                log_level="WARNING",
            )
            app = create_app(settings, access_log=False)
            runtime = app.state.runtime
            collector = Collector()
            runtime.bus.subscribe("bench.collector", [DOCUMENTS_TOPIC], collector.handle)
            sql = SqlStats(runtime.engine.sync_engine)
            try:
                async with running(app) as client:
                    result = await measure(name, args, client, tokens, collector, sql)
            finally:
                sql.close()
    result["migrate_seconds"] = migrate_seconds
    result["config"] = CONFIGS[name]
    print_result(name, result)
    return result


async def measure(
    name: str, args: argparse.Namespace, client, tokens: Tokens, collector: Collector, sql: SqlStats
) -> dict[str, Any]:
    sites, channels = await open_sites(client, tokens, args.sites)
    editors = {s.id: tokens.bearer(f"editor@{s.id}", (s.id, "editor")) for s in sites}
    reviewers = {
        s.id: [tokens.bearer(f"reviewer-{step}@{s.id}", (s.id, f"reviewer:{step}")) for step in STEPS] for s in sites
    }
    plan = make_plan(sites, channels, args.warmup + args.docs)
    driver = Driver(client, sql, editors, reviewers, yield_per_call=not args.no_yield)

    if args.warmup:
        await driver.drive(plan[: args.warmup], args.workers)
        missing = await collector.wait_for({r.doc_id for r in driver.runs}, args.event_timeout)
        if driver.errors or missing:
            raise SystemExit(f"warm-up failed: {driver.errors[:3]} missing events: {sorted(missing)[:5]}")
        await asyncio.sleep(0.3)  # let the relay and consumers finish the warm-up's trailing work
    driver.runs.clear()
    sql.reset()

    profiler = profiling.start() if args.profile else None
    began = time.perf_counter()
    open_loop = None
    if args.rate:
        open_loop = await driver.drive_open(plan[args.warmup :], args.rate)
    else:
        await driver.drive(plan[args.warmup :], args.workers)
    api_done = time.perf_counter()
    missing = await collector.wait_for({r.doc_id for r in driver.runs}, args.event_timeout)
    profile = None
    if profiler is not None:
        profile = profiling.report(profiler, Path(f"{args.profile}-{name}"), calls={c: len(driver.runs) for c in CALLS})
    sql.active = False
    baseline = await harness_floor(client, args.workers, 2000)
    await asyncio.sleep(0.2)  # leave the relay idle before shutdown (bench/README.md: shutting the app down)

    runs = driver.runs
    delivered = [r for r in runs if r.doc_id in collector.received]
    last_event = max((collector.received[r.doc_id] for r in delivered), default=api_done)
    calls_made = len(runs) * 4
    result: dict[str, Any] = {
        "documents": args.docs,
        "workers": args.workers,
        "sites": [s.id for s in sites],
        "warmup": args.warmup,
        "published": len(runs),
        "delivered": len(delivered),
        "missing_events": len(missing),
        "errors": len(driver.errors),
        "error_samples": driver.errors[:5],
        "api_seconds": api_done - began,
        "seconds": last_event - began,
        "docs_per_s": len(delivered) / (last_event - began) if delivered else 0.0,
        "api_docs_per_s": len(runs) / (api_done - began) if runs else 0.0,
        "api_calls_per_s": calls_made / (api_done - began) if runs else 0.0,
        "event_bytes_mean": sum(collector.sizes) / len(collector.sizes) if collector.sizes else 0,
        "latency_ms": {call: summary_ms(r.call_seconds[i] for r in runs) for i, call in enumerate(CALLS)},
        "document_ms": summary_ms(collector.received[r.doc_id] - r.started for r in delivered),
        "publish_to_event_ms": {
            "from_final_request": summary_ms(collector.received[r.doc_id] - r.final_sent for r in delivered),
            "from_final_response": summary_ms(collector.received[r.doc_id] - r.final_done for r in delivered),
        },
        "sql": sql_result(sql, len(runs)),
        "harness_floor": baseline,
        "profiled": bool(profile),
        "mode": "inprocess",
        "yield_per_call": driver.yield_per_call,
    }
    if open_loop:
        result["open_loop"] = open_loop
    if profile:
        result["profile"] = profile
    return result


# http mode ------------------------------------------------------------------------------------------
SERVER_CORE, CLIENT_CORE = 0, 1
CLK_TCK = os.sysconf("SC_CLK_TCK")


def http_mode_possible() -> bool:
    """taskset exists and this process may run on cores 0 and 1."""
    return shutil.which("taskset") is not None and {SERVER_CORE, CLIENT_CORE} <= os.sched_getaffinity(0)


def pin_this_process(core: int) -> None:
    """Pin every thread of this process (new threads inherit it), as `taskset -c core` would."""
    for tid in os.listdir("/proc/self/task"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(int(tid), {core})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


BACKEND_PID_FILES = {
    "postgresql": ROOT / "var" / "backends" / "pg" / "data" / "postmaster.pid",
    "kafka": ROOT / "var" / "backends" / "kafka" / "kafka.pid",
}


def backend_pids() -> dict[str, int]:
    """The PostgreSQL postmaster and the Kafka broker scripts/backends started (first line of their pid files)."""
    found = {}
    for name, path in BACKEND_PID_FILES.items():
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int(path.read_text().split()[0])
            if Path(f"/proc/{pid}").exists():
                found[name] = pid
    return found


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()  # fields from 3 (state) on


def tree_cpu(root: int) -> float:
    """CPU seconds of a process and its descendants (utime+stime), plus what its reaped children used."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parents[int(entry)] = int(_stat(int(entry))[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    total = 0.0
    for pid in tree:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = _stat(pid)
            total += int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if pid == root else 0)
    return total / CLK_TCK


def cpu_sample(pid: int, backends: dict[str, int] | None = None) -> dict[str, Any]:
    """CPU seconds so far: the server process (utime+stime of all its threads, /proc/<pid>/stat), this
    process (getrusage), the backends' process trees, and busy/total ticks of each core and of the
    machine (/proc/stat)."""
    fields = _stat(pid)
    server = (int(fields[11]) + int(fields[12])) / CLK_TCK  # fields 14 and 15 of stat(5)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cores: dict[str, tuple[int, int]] = {}
    for line in Path("/proc/stat").read_text().splitlines():
        if not line.startswith("cpu"):
            break
        name, *values = line.split()
        ticks = [int(v) for v in values[:8]]  # user nice system idle iowait irq softirq steal
        cores[name] = (sum(ticks) - ticks[3] - ticks[4], sum(ticks))
    return {
        "at": time.perf_counter(),
        "server": server,
        "loadgen": usage.ru_utime + usage.ru_stime,
        "backends": {name: tree_cpu(root) for name, root in (backends or {}).items()},
        "cores": cores,
    }


def cpu_between(a: dict[str, Any], b: dict[str, Any]) -> dict[str, float]:
    """CPU % over the interval (100 % = one core fully busy)."""
    wall = b["at"] - a["at"]
    out = {
        "interval_s": wall,
        "server_pct": 100 * (b["server"] - a["server"]) / wall,
        "loadgen_pct": 100 * (b["loadgen"] - a["loadgen"]) / wall,
    }
    for name in b["backends"]:
        out[f"{name}_pct"] = 100 * (b["backends"][name] - a["backends"][name]) / wall
    for name in b["cores"]:
        busy = b["cores"][name][0] - a["cores"][name][0]
        total = b["cores"][name][1] - a["cores"][name][1]
        share = busy / total if total else float("nan")
        if name == "cpu":
            out["machine_pct"] = 100 * share * (len(b["cores"]) - 1)  # all cores, 100 % = one core
        else:
            out[f"{name}_pct"] = 100 * share
    known = out["server_pct"] + out["loadgen_pct"] + sum(out[f"{name}_pct"] for name in b["backends"])
    out["other_pct"] = out["machine_pct"] - known
    return out


@dataclass
class ServerProcess:
    process: subprocess.Popen
    port: int
    log: Path
    command: list[str]
    ready_seconds: float = 0.0
    log_lines: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@contextlib.asynccontextmanager
async def server_process(
    tmp: Path, database_url: str, bus_url: str, tokens: Tokens, *, pin: bool, ready_timeout: float = 120.0
):
    """`bench.server` in a process of its own (pinned to core 0), migrated and ready; stopped by its pid."""
    port = free_port()
    command = [
        *(["taskset", "-c", str(SERVER_CORE)] if pin else []),
        sys.executable,
        "-m",
        "bench.server",
        "--port",
        str(port),
        "--database-url",
        database_url,
        "--bus-url",
        bus_url,
        "--jwks-url",
        tokens.jwks_url,
        "--blob-url",
        f"file://{tmp / 'blobs'}",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTENT_", "SITEGROUP_"))}
    env["PYTHONUNBUFFERED"] = "1"
    log = tmp / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: ASYNC220 - a quick fork+exec before any load
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = ServerProcess(process, port, log, command)
    began = time.perf_counter()
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=2.0) as probe:
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"bench.server exited with {process.returncode}:\n{server.log_tail()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await probe.get("/readyz")).status_code == 200:
                        break
                if time.perf_counter() - began > ready_timeout:
                    raise SystemExit(f"bench.server not ready after {ready_timeout:.0f} s:\n{server.log_tail()}")
                await asyncio.sleep(0.1)
        server.ready_seconds = time.perf_counter() - began
        yield server
    finally:
        for sig, wait in ((signal.SIGINT, 30), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            if process.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                await asyncio.to_thread(process.wait, wait)
            if process.poll() is None:
                console.print(f"[yellow]bench.server did not stop on {sig.name}[/]")
        noise = [line for line in server.log.read_text(errors="replace").splitlines() if line.strip()]
        server.log_lines = noise
        if noise:
            console.print(f"[yellow]bench.server wrote {len(noise)} log lines; the last ones:[/]")
            console.print("\n".join(noise[-15:]), markup=False, highlight=False)


async def run_config_http(name: str, args: argparse.Namespace, backends) -> dict[str, Any]:
    title = "bench.publish --mode http"
    async with (
        bench_environment(name, backends, title) as (kafka, bus_url, tmp, tokens),
        fresh_database(  # not migrated here: bench.server migrates it before it starts
            "postgres" if kafka else "sqlite", tmp, "publish", admin_url=backends.database_url if kafka else None
        ) as url,
        server_process(tmp, url, bus_url, tokens, pin=not args.unpinned) as server,
    ):
        limits = httpx.Limits(max_connections=args.workers, max_keepalive_connections=args.workers)
        async with (
            httpx.AsyncClient(base_url=server.base_url, limits=limits, timeout=60.0) as client,
            contextlib.AsyncExitStack() as stack,
        ):
            # The measured calls go through the raw client unless --client httpx: httpx would saturate the
            # load generator's core first (bench.rawhttp); setup and the event stamps use httpx.
            calls = (
                client
                if args.client == "httpx"
                else await stack.enter_async_context(RawClient(server.port, args.workers))
            )
            result = await measure_http(name, args, client, calls, tokens, server)
    result["migrate_seconds"] = server.ready_seconds
    result["server_log"] = {"lines": len(server.log_lines), "last": server.log_lines[-15:]}
    result["config"] = CONFIGS[name]
    print_result(name, result)
    return result


async def wait_events(client: httpx.AsyncClient, count: int, timeout: float) -> int:
    response = await client.get("/bench/wait", params={"count": count, "timeout": timeout}, timeout=timeout + 30)
    response.raise_for_status()
    return response.json()["received"]


async def measure_http(
    name: str,
    args: argparse.Namespace,
    client: httpx.AsyncClient,
    calls: httpx.AsyncClient | RawClient,
    tokens: Tokens,
    server: ServerProcess,
) -> dict[str, Any]:
    sites, channels = await open_sites(client, tokens, args.sites)
    editors = {s.id: tokens.bearer(f"editor@{s.id}", (s.id, "editor")) for s in sites}
    reviewers = {
        s.id: [tokens.bearer(f"reviewer-{step}@{s.id}", (s.id, f"reviewer:{step}")) for step in STEPS] for s in sites
    }
    plan = make_plan(sites, channels, args.warmup + args.docs)
    driver = Driver(calls, NoSql(), editors, reviewers, clock=time.time)

    if args.warmup:
        await driver.drive(plan[: args.warmup], args.workers)
        received = await wait_events(client, len(driver.runs), args.event_timeout)
        if driver.errors or received < len(driver.runs):
            raise SystemExit(f"warm-up failed: {driver.errors[:3]}; events {received} of {len(driver.runs)}")
        await asyncio.sleep(0.3)  # let the relay and consumers finish the warm-up's trailing work
    warm = len(driver.runs)
    driver.runs.clear()

    pid = server.process.pid
    watched = backend_pids() if name == "postgres-kafka" else {}
    cpu_start = cpu_sample(pid, watched)
    began = time.time()
    open_loop = None
    if args.rate:
        open_loop = await driver.drive_open(plan[args.warmup :], args.rate)
    else:
        await driver.drive(plan[args.warmup :], args.workers)
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

    runs = driver.runs
    delivered = [r for r in runs if r.doc_id in arrived]
    last_event = max((arrived[r.doc_id] for r in delivered), default=api_done)
    calls_made = len(runs) * 4
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
        "published": len(runs),
        "delivered": len(delivered),
        "missing_events": len(runs) - len(delivered),
        "errors": len(driver.errors),
        "error_samples": driver.errors[:5],
        "api_seconds": api_done - began,
        "seconds": last_event - began,
        "docs_per_s": len(delivered) / (last_event - began) if delivered else 0.0,
        "api_docs_per_s": len(runs) / (api_done - began) if runs else 0.0,
        "api_calls_per_s": calls_made / (api_done - began) if runs else 0.0,
        "event_bytes_mean": fetched["sizes"]["mean"],
        "latency_ms": {call: summary_ms(r.call_seconds[i] for r in runs) for i, call in enumerate(CALLS)},
        "document_ms": summary_ms(arrived[r.doc_id] - r.started for r in delivered),
        "publish_to_event_ms": {
            "from_final_request": summary_ms(arrived[r.doc_id] - r.final_sent for r in delivered),
            "from_final_response": summary_ms(arrived[r.doc_id] - r.final_done for r in delivered),
        },
        "cpu": cpu_between(cpu_start, cpu_end),
        "cpu_until_last_response": cpu_between(cpu_start, cpu_api),
        "sql": {},
        "harness_floor": baseline,
        "profiled": False,
    }
    if open_loop:
        result["open_loop"] = open_loop
    return result


def throughput_verdict(name: str, r: dict[str, Any]) -> str:
    """The capacity target is read closed-loop over HTTP; in-process the load generator shares the server's
    loop (and core), and an open loop's throughput is the rate it was given."""
    target = THROUGHPUT_TARGET.get(name)
    if target is None:
        return "–"
    if r.get("mode") != "http":
        return "– (read over HTTP: here the client shares the loop)"
    if "open_loop" in r:
        return "– (open loop)"
    return target.verdict(r["docs_per_s"])


async def harness_floor(client: httpx.AsyncClient | RawClient, workers: int, count: int) -> dict[str, Any]:
    """GET /healthz through the same client, middleware and router: what the harness alone costs per call."""
    latencies: list[float] = []
    remaining = iter(range(count))

    async def worker() -> None:
        for _ in remaining:
            started = time.perf_counter()
            response = await client.get("/healthz")
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    elapsed = time.perf_counter() - began
    return {
        "calls": count,
        "calls_per_s": count / elapsed,
        "ms_per_call": 1000 * elapsed / count,
        "latency_ms": summary_ms(latencies),
    }


def sql_result(sql: SqlStats, docs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for label in [*CALLS, *sorted(set(sql.count) - set(CALLS))]:
        if not docs or not sql.count.get(label):
            continue
        out[label] = {
            "statements_per_doc": sql.count[label] / docs,
            "commits_per_doc": sql.commits[label] / docs,
            "db_ms_per_doc": 1000 * sql.seconds[label] / docs,
            "checkouts_per_doc": sql.checkouts[label] / docs,
            "connection_held_ms_per_doc": 1000 * sql.held[label] / docs,
            "shapes": [{"statement": shape, "per_doc": n / docs} for shape, n in sql.shapes[label].most_common()],
        }
    return out


def print_result(name: str, r: dict[str, Any]) -> None:
    http = r.get("mode") == "http"
    title = f"throughput — {r['config']}"
    if http:
        pinned = r["pinned"]
        title += " — HTTP/1.1 keep-alive, " + (
            f"server on core {pinned['server']}, load generator on core {pinned['load_generator']}"
            if pinned
            else "unpinned"
        )
    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("target")
    table.add_row("documents/s (event delivered to a consumer)", fmt(r["docs_per_s"]), throughput_verdict(name, r))
    table.add_row("documents/s (4 API calls answered)", fmt(r["api_docs_per_s"]), "")
    table.add_row("API calls/s", fmt(r["api_calls_per_s"]), "")
    table.add_row("documents published / delivered", f"{r['published']} / {r['delivered']}", "")
    table.add_row("workers · sites · warm-up docs", f"{r['workers']} · {len(r['sites'])} · {r['warmup']}", "")
    table.add_row("errors · missing events", f"{r['errors']} · {r['missing_events']}", "")
    if http:
        table.add_row(
            "HTTP connections · load generator's client", f"{r['connections']} · {r.get('client', 'httpx')}", ""
        )
    else:
        table.add_row("event loop given a turn before each call", "yes" if r.get("yield_per_call") else "no", "")
    if "open_loop" in r:
        o = r["open_loop"]
        table.add_row("open loop: documents started/s (asked)", f"{fmt(o['started_per_s'])} ({fmt(o['rate'])})", "")
        table.add_row(
            "open loop: start lateness p99 ms · most documents in flight",
            f"{fmt(o['start_lateness_ms'].get('p99'), 2)} · {o['max_documents_in_flight']}",
            "",
        )
    table.add_row("wall time (s) until the last event", fmt(r["seconds"], 2), "")
    table.add_row("mean event size (bytes)", fmt(r["event_bytes_mean"], 0), "")
    if http:
        cpu = r["cpu"]
        table.add_row(
            "CPU % (100 = one core): server process · load generator",
            f"{fmt(cpu['server_pct'])} · {fmt(cpu['loadgen_pct'])}",
            "",
        )
        if "postgresql_pct" in cpu or "kafka_pct" in cpu:
            table.add_row(
                "CPU %: PostgreSQL (all its processes) · Kafka broker",
                f"{fmt(cpu.get('postgresql_pct'))} · {fmt(cpu.get('kafka_pct'))}",
                "",
            )
        table.add_row(
            "CPU %: core 0 · core 1 · any other process",
            f"{fmt(cpu.get('cpu0_pct'))} · {fmt(cpu.get('cpu1_pct'))} · {fmt(cpu['other_pct'])}",
            "",
        )
    floor = r["harness_floor"]
    table.add_row(
        "HTTP floor: GET /healthz calls/s over the same connections (ms per call)"
        if http
        else "harness floor: GET /healthz calls/s (ms of loop time per call)",
        f"{fmt(floor['calls_per_s'], 0)} ({fmt(floor['ms_per_call'], 2)})",
        "",
    )
    if http:
        table.add_row(
            "HTTP floor: CPU % server · load generator",
            f"{fmt(floor['cpu']['server_pct'])} · {fmt(floor['cpu']['loadgen_pct'])}",
            "",
        )
    table.add_row(
        "server start: migrations + startup until /readyz (s)" if http else "fresh database + migrations (s)",
        fmt(r["migrate_seconds"], 2),
        "",
    )
    if r["profiled"]:
        table.add_row("[yellow]profiled run (pyinstrument slows it down)[/]", "yes", "")
    console.print(table)
    if http and r["cpu"]["other_pct"] > 15:
        console.print(
            f"[yellow]other processes used {fmt(r['cpu']['other_pct'])} % of a core during the run: "
            "figures may be disturbed[/]"
        )
    for sample in r["error_samples"]:
        console.print(f"[red]error:[/] {sample}")

    table = Table(title="latency (ms)")
    for column in ("what", "n", "p50", "p95", "p99", "max", "target p99"):
        table.add_column(column, justify="left" if column in ("what", "target p99") else "right")
    rows = [(f"POST {call}", r["latency_ms"][call], None) for call in CALLS]
    rows.append(("document: create → its event received", r["document_ms"], None))
    target = P99_TARGET[name]
    rows.append(
        ("publish→event, from sending the final approve", r["publish_to_event_ms"]["from_final_request"], target)
    )
    rows.append(
        ("publish→event, from the final approve's response", r["publish_to_event_ms"]["from_final_response"], target)
    )
    for label, s, tgt in rows:
        if not s.get("n"):
            continue
        table.add_row(
            label,
            str(s["n"]),
            fmt(s["p50"]),
            fmt(s["p95"]),
            fmt(s["p99"]),
            fmt(s["max"]),
            tgt.verdict(s["p99"]) if tgt else "",
        )
    console.print(table)

    if http:
        console.print(
            "[dim]SQL per call: not measured in http mode (it needs in-process hooks on the service's engine); "
            "run --mode inprocess for that table[/]"
        )
        return
    table = Table(title="SQL per document, by who ran it (before_cursor_execute on the service's engine)")
    for column in ("who", "statements", "commits", "DB ms", "connection held ms"):
        table.add_column(column, justify="left" if column == "who" else "right")
    held = 0.0
    for label, s in r["sql"].items():
        held += s["connection_held_ms_per_doc"]
        table.add_row(
            label,
            fmt(s["statements_per_doc"]),
            fmt(s["commits_per_doc"]),
            fmt(s["db_ms_per_doc"], 2),
            fmt(s["connection_held_ms_per_doc"], 2),
        )
    wall = 1000 / r["docs_per_s"] if r["docs_per_s"] else float("nan")
    table.add_row(
        "[bold]all, per document[/]",
        fmt(sum(s["statements_per_doc"] for s in r["sql"].values())),
        fmt(sum(s["commits_per_doc"] for s in r["sql"].values())),
        fmt(sum(s["db_ms_per_doc"] for s in r["sql"].values()), 2),
        fmt(held, 2),
    )
    console.print(table)
    if name == "sqlite":
        console.print(
            f"wall time per document at the measured rate: {fmt(wall, 2)} ms; the pool's one SQLite "
            f"connection was held {fmt(held, 2)} ms per document "
            f"({fmt(100 * held / wall if wall == wall else float('nan'))}% of the wall time)"
        )
    console.print(
        "[dim]DB ms = before→after cursor execute, i.e. the await on the driver; with several workers on "
        "one event loop it includes waiting for the loop, so read it at --workers 1[/]"
    )
    for label in (CALLS[0], CALLS[3]):
        if label not in r["sql"]:
            continue
        table = Table(title=f"statements of one '{label}' call")
        table.add_column("per call", justify="right")
        table.add_column("statement")
        for shape in r["sql"][label]["shapes"]:
            table.add_row(fmt(shape["per_doc"], 2), shape["statement"])
        console.print(table)


def print_summary(results: dict[str, dict[str, Any]]) -> None:
    table = Table(title="bench.publish — summary")
    columns = (
        "configuration",
        "mode",
        "docs/s",
        "target",
        "API docs/s",
        "publish→event p50 / p95 / p99 ms",
        "p99 target",
        "CPU % server · load gen",
    )
    for column in columns:
        left = column in ("configuration", "mode", "target", "p99 target")
        table.add_column(column, justify="left" if left else "right")
    for name, r in results.items():
        p = r["publish_to_event_ms"]["from_final_request"]
        cpu = r.get("cpu")
        mode = r.get("mode", "inprocess")
        if "open_loop" in r:
            mode += f", open loop {fmt(r['open_loop']['rate'])}/s"
        table.add_row(
            r["config"],
            mode,
            fmt(r["docs_per_s"]),
            throughput_verdict(name, r),
            fmt(r["api_docs_per_s"]),
            f"{fmt(p.get('p50'))} / {fmt(p.get('p95'))} / {fmt(p.get('p99'))}",
            P99_TARGET[name].verdict(p.get("p99", float("nan"))),
            f"{fmt(cpu['server_pct'])} · {fmt(cpu['loadgen_pct'])}" if cpu else "–",
        )
    console.print(table)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.publish", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--mode",
        choices=("inprocess", "http"),
        help="inprocess: ASGI transport in this process; http: bench.server in a process of its own pinned to "
        "core 0, this load generator pinned to core 1 (default: http when taskset exists and cores 0 and 1 are "
        "usable, else inprocess)",
    )
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgres-kafka", "both"),
        help="default: both when SG_TEST_DATABASE_URL/SG_TEST_BUS_URL are set, else sqlite",
    )
    parser.add_argument("--docs", type=int, default=1000, help="documents measured (default 1000)")
    parser.add_argument(
        "--workers",
        type=int,
        help="concurrent documents, and HTTP connections in http mode (default 8 inprocess, 16 http)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        metavar="R",
        help="open loop: start R documents per second whatever is in flight (default: closed loop, --workers)",
    )
    parser.add_argument("--unpinned", action="store_true", help="http mode: no taskset / CPU affinity")
    parser.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="http mode: the measured calls through bench.rawhttp (default) or httpx (which saturates its core first)",
    )
    parser.add_argument(
        "--no-yield",
        action="store_true",
        help="inprocess mode: do not give the event loop a turn before each call (the relay then waits for the end)",
    )
    parser.add_argument("--sites", type=int, default=4, help="demo sites the documents are spread over (default 4)")
    parser.add_argument("--warmup", type=int, default=40, help="documents published before measuring (default 40)")
    parser.add_argument("--event-timeout", type=float, default=120.0, help="seconds to wait for the last events")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="PREFIX",
        help="sample the measured phase with pyinstrument; writes PREFIX-<backend>.html/.txt",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the results as JSON")
    return parser.parse_args(argv)


def resolve(args: argparse.Namespace) -> argparse.Namespace:
    if args.mode is None:
        args.mode = "http" if http_mode_possible() else "inprocess"
    if args.workers is None:
        args.workers = 16 if args.mode == "http" else 8
    if args.mode == "http":
        if args.profile:
            raise SystemExit("--profile samples this process: use it with --mode inprocess")
        if not args.unpinned and not http_mode_possible():
            raise SystemExit("--mode http pins to cores 0 and 1 with taskset: not possible here; add --unpinned")
    if args.rate is not None and args.rate <= 0:
        raise SystemExit("--rate must be > 0")
    return args


async def main(argv: list[str] | None = None, args: argparse.Namespace | None = None) -> int:
    args = args or resolve(parse_args(argv))
    quiet_logs()
    warn_if_busy()
    wanted = args.backend
    backends = real_backends(read_env_file=wanted in ("postgres-kafka", "both"))
    if wanted is None:
        wanted = "both" if backends else "sqlite"
    names = ["sqlite", "postgres-kafka"] if wanted == "both" else [wanted]
    if "postgres-kafka" in names and backends is None:
        raise SystemExit("postgres-kafka needs SG_TEST_DATABASE_URL and SG_TEST_BUS_URL (scripts/backends/up.sh)")
    from shared.testing import Backends

    results = {}
    run = run_config_http if args.mode == "http" else run_config
    for name in names:
        results[name] = await run(name, args, backends or Backends(None, None, None, None))
    if len(results) > 1:
        print_summary(results)
    write_json(
        args.json,
        {
            "bench": "publish",
            "machine": machine(),
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "results": results,
        },
    )
    failed = any(r["errors"] or r["missing_events"] for r in results.values())
    return 1 if failed else 0


def cli(argv: list[str] | None = None) -> int:
    args = resolve(parse_args(argv))
    if args.mode == "inprocess":
        return asyncio.run(main(args=args))
    if not args.unpinned:
        pin_this_process(CLIENT_CORE)  # the server is started under `taskset -c 0`
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main(args=args))
    return uvloop.run(main(args=args))  # the load generator on the same event loop implementation as the server


if __name__ == "__main__":
    sys.exit(cli())
