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
from collections.abc import Callable
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
    client: httpx.AsyncClient
    sql: SqlStats | NoSql
    editors: dict[str, dict[str, str]]
    reviewers: dict[str, list[dict[str, str]]]
    runs: list[DocRun] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # time.perf_counter in-process; time.time in http mode, to compare with the server's arrival stamps
    clock: Callable[[], float] = time.perf_counter
    in_flight: int = 0
    max_in_flight: int = 0

    async def document(self, site: str, body: dict[str, Any]) -> None:
        clock = self.clock
        self.sql.label(CALLS[0])
        started = clock()
        response = await self.client.post(f"{API}/sites/{site}/documents", json=body, headers=self.editors[site])
        calls = [clock() - started]
        if response.status_code != 201:
            self.errors.append(f"create on {site}: {response.status_code} {response.text[:300]}")
            return
        doc_id = response.json()["id"]
        sent = done = 0.0
        for step, headers in enumerate(self.reviewers[site]):
            self.sql.label(CALLS[step + 1])
            sent = clock()
            response = await self.client.post(
                f"{API}/sites/{site}/documents/{doc_id}/approve", json={"comment": "同意"}, headers=headers
            )
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
        return {"rate": rate, "started_per_s": len(plan) / offered if offered > 0 else float("nan"),
                "start_lateness_ms": summary_ms(late), "max_documents_in_flight": self.max_in_flight}


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


async def run_config(name: str, args: argparse.Namespace, backends) -> dict[str, Any]:
    kafka = name == "postgres-kafka"
    console.rule(f"bench.publish — {CONFIGS[name]}")
    namespace = new_namespace("bench") if kafka else ""
    bus_url = backends.bus_url_for(namespace) if kafka else "memory://"
    if kafka:
        await require_kafka(bus_url)
    with tempfile.TemporaryDirectory(prefix="sgbench-publish-") as tmp_name:
        tmp = Path(tmp_name)
        tokens = Tokens(tmp / "keys")
        from services.content.config import ContentSettings
        from services.content.main import MIGRATIONS, VERSION_TABLE, create_app

        began = time.perf_counter()
        async with fresh_database(
            "postgres" if kafka else "sqlite", tmp, "publish", admin_url=backends.database_url if kafka else None,
            migrations=MIGRATIONS, version_table=VERSION_TABLE,
        ) as url:
            migrate_seconds = time.perf_counter() - began
            settings = ContentSettings(
                database_url=url, bus_url=bus_url, blob_url=f"file://{tmp / 'blobs'}", auth_jwks_url=tokens.jwks_url,
                auth_issuer=TEST_ISSUER, auth_audience=TEST_AUDIENCE, log_json=False, log_level="WARNING",
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
                if kafka:
                    await delete_kafka_namespace(bus_url, namespace)
    result["migrate_seconds"] = migrate_seconds
    result["config"] = CONFIGS[name]
    print_result(name, result)
    return result


async def measure(name: str, args: argparse.Namespace, client, tokens: Tokens, collector: Collector,
                  sql: SqlStats) -> dict[str, Any]:
    sites, channels = await open_sites(client, tokens, args.sites)
    editors = {s.id: tokens.bearer(f"editor@{s.id}", (s.id, "editor")) for s in sites}
    reviewers = {
        s.id: [tokens.bearer(f"reviewer-{step}@{s.id}", (s.id, f"reviewer:{step}")) for step in STEPS] for s in sites
    }
    plan = make_plan(sites, channels, args.warmup + args.docs)
    driver = Driver(client, sql, editors, reviewers)

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
    await driver.drive(plan[args.warmup :], args.workers)
    api_done = time.perf_counter()
    missing = await collector.wait_for({r.doc_id for r in driver.runs}, args.event_timeout)
    profile = None
    if profiler is not None:
        profile = profiling.report(
            profiler, Path(f"{args.profile}-{name}"), calls={c: len(driver.runs) for c in CALLS}
        )
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
        "latency_ms": {
            call: summary_ms(r.call_seconds[i] for r in runs) for i, call in enumerate(CALLS)
        },
        "document_ms": summary_ms(collector.received[r.doc_id] - r.started for r in delivered),
        "publish_to_event_ms": {
            "from_final_request": summary_ms(collector.received[r.doc_id] - r.final_sent for r in delivered),
            "from_final_response": summary_ms(collector.received[r.doc_id] - r.final_done for r in delivered),
        },
        "sql": sql_result(sql, len(runs)),
        "harness_floor": baseline,
        "profiled": bool(profile),
    }
    if profile:
        result["profile"] = profile
    return result


async def harness_floor(client: httpx.AsyncClient, workers: int, count: int) -> dict[str, Any]:
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
    return {"calls": count, "calls_per_s": count / elapsed, "ms_per_call": 1000 * elapsed / count,
            "latency_ms": summary_ms(latencies)}


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
            "shapes": [
                {"statement": shape, "per_doc": n / docs} for shape, n in sql.shapes[label].most_common()
            ],
        }
    return out


def print_result(name: str, r: dict[str, Any]) -> None:
    table = Table(title=f"throughput — {r['config']}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("target")
    throughput_target = THROUGHPUT_TARGET.get(name)
    table.add_row(
        "documents/s (event delivered to a consumer)", fmt(r["docs_per_s"]),
        throughput_target.verdict(r["docs_per_s"]) if throughput_target else "–",
    )
    table.add_row("documents/s (4 API calls answered)", fmt(r["api_docs_per_s"]), "")
    table.add_row("API calls/s", fmt(r["api_calls_per_s"]), "")
    table.add_row("documents published / delivered", f"{r['published']} / {r['delivered']}", "")
    table.add_row("workers · sites · warm-up docs", f"{r['workers']} · {len(r['sites'])} · {r['warmup']}", "")
    table.add_row("errors · missing events", f"{r['errors']} · {r['missing_events']}", "")
    table.add_row("wall time (s) until the last event", fmt(r["seconds"], 2), "")
    table.add_row("mean event size (bytes)", fmt(r["event_bytes_mean"], 0), "")
    floor = r["harness_floor"]
    table.add_row("harness floor: GET /healthz calls/s (ms of loop time per call)",
                  f"{fmt(floor['calls_per_s'], 0)} ({fmt(floor['ms_per_call'], 2)})", "")
    table.add_row("fresh database + migrations (s)", fmt(r["migrate_seconds"], 2), "")
    if r["profiled"]:
        table.add_row("[yellow]profiled run (pyinstrument slows it down)[/]", "yes", "")
    console.print(table)
    for sample in r["error_samples"]:
        console.print(f"[red]error:[/] {sample}")

    table = Table(title="latency (ms)")
    for column in ("what", "n", "p50", "p95", "p99", "max", "target p99"):
        table.add_column(column, justify="left" if column in ("what", "target p99") else "right")
    rows = [(f"POST {call}", r["latency_ms"][call], None) for call in CALLS]
    rows.append(("document: create → its event received", r["document_ms"], None))
    target = P99_TARGET[name]
    rows.append(("publish→event, from sending the final approve", r["publish_to_event_ms"]["from_final_request"],
                 target))
    rows.append(("publish→event, from the final approve's response", r["publish_to_event_ms"]["from_final_response"],
                 target))
    for label, s, tgt in rows:
        if not s.get("n"):
            continue
        table.add_row(label, str(s["n"]), fmt(s["p50"]), fmt(s["p95"]), fmt(s["p99"]), fmt(s["max"]),
                      tgt.verdict(s["p99"]) if tgt else "")
    console.print(table)

    table = Table(title="SQL per document, by who ran it (before_cursor_execute on the service's engine)")
    for column in ("who", "statements", "commits", "DB ms", "connection held ms"):
        table.add_column(column, justify="left" if column == "who" else "right")
    held = 0.0
    for label, s in r["sql"].items():
        held += s["connection_held_ms_per_doc"]
        table.add_row(label, fmt(s["statements_per_doc"]), fmt(s["commits_per_doc"]), fmt(s["db_ms_per_doc"], 2),
                      fmt(s["connection_held_ms_per_doc"], 2))
    wall = 1000 / r["docs_per_s"] if r["docs_per_s"] else float("nan")
    table.add_row("[bold]all, per document[/]", fmt(sum(s["statements_per_doc"] for s in r["sql"].values())),
                  fmt(sum(s["commits_per_doc"] for s in r["sql"].values())),
                  fmt(sum(s["db_ms_per_doc"] for s in r["sql"].values()), 2), fmt(held, 2))
    console.print(table)
    if name == "sqlite":
        console.print(f"wall time per document at the measured rate: {fmt(wall, 2)} ms; the pool's one SQLite "
                      f"connection was held {fmt(held, 2)} ms per document "
                      f"({fmt(100 * held / wall if wall == wall else float('nan'))}% of the wall time)")
    console.print("[dim]DB ms = before→after cursor execute, i.e. the await on the driver; with several workers on "
                  "one event loop it includes waiting for the loop, so read it at --workers 1[/]")
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
    for column in ("configuration", "docs/s", "target", "API docs/s", "publish→event p50 / p95 / p99 ms",
                   "p99 target"):
        table.add_column(column, justify="left" if column in ("configuration", "target", "p99 target") else "right")
    for name, r in results.items():
        p = r["publish_to_event_ms"]["from_final_request"]
        tgt = THROUGHPUT_TARGET.get(name)
        table.add_row(
            r["config"], fmt(r["docs_per_s"]), tgt.verdict(r["docs_per_s"]) if tgt else "–", fmt(r["api_docs_per_s"]),
            f"{fmt(p.get('p50'))} / {fmt(p.get('p95'))} / {fmt(p.get('p99'))}",
            P99_TARGET[name].verdict(p.get("p99", float("nan"))),
        )
    console.print(table)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.publish", description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres-kafka", "both"),
                        help="default: both when SG_TEST_DATABASE_URL/SG_TEST_BUS_URL are set, else sqlite")
    parser.add_argument("--docs", type=int, default=1000, help="documents measured (default 1000)")
    parser.add_argument("--workers", type=int, default=8, help="concurrent workers (default 8)")
    parser.add_argument("--sites", type=int, default=4, help="demo sites the documents are spread over (default 4)")
    parser.add_argument("--warmup", type=int, default=40, help="documents published before measuring (default 40)")
    parser.add_argument("--event-timeout", type=float, default=120.0, help="seconds to wait for the last events")
    parser.add_argument("--profile", type=Path, metavar="PREFIX",
                        help="sample the measured phase with pyinstrument; writes PREFIX-<backend>.html/.txt")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the results as JSON")
    return parser.parse_args(argv)


async def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
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
    for name in names:
        results[name] = await run_config(name, args, backends or Backends(None, None, None, None))
    if len(results) > 1:
        print_summary(results)
    write_json(args.json, {"bench": "publish", "machine": machine(), "args": {
        k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}, "results": results})
    failed = any(r["errors"] or r["missing_events"] for r in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
