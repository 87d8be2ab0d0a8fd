"""The load itself: sites to publish on, the documents each worker walks through the four calls, and the
figures read off the documents that ran (the same for both modes)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.common import (
    console,
    delete_kafka_namespace,
    demo_sites,
    document_body,
    new_namespace,
    require_kafka,
    site_articles,
    site_body,
    summary_ms,
)
from bench.publish import API, CALLS, CONFIGS, STEPS
from bench.rawhttp import RawClient
from bench.sqlstats import SqlStats
from shared.testing import Tokens

Plan = list[tuple[str, dict[str, Any]]]


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
class Staff:
    """Each site's editor and its three reviewers, as bearer headers."""

    editors: dict[str, dict[str, str]]
    reviewers: dict[str, list[dict[str, str]]]

    @classmethod
    def of(cls, tokens: Tokens, sites: list) -> Staff:
        return cls(
            {s.id: tokens.bearer(f"editor@{s.id}", (s.id, "editor")) for s in sites},
            {s.id: [tokens.bearer(f"reviewer-{t}@{s.id}", (s.id, f"reviewer:{t}")) for t in STEPS] for s in sites},
        )


@dataclass
class Driver:
    client: httpx.AsyncClient | RawClient
    sql: SqlStats | NoSql
    staff: Staff
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
        """Create and submit one document, then approve it at each step until it is live."""
        clock = self.clock
        self.sql.label(CALLS[0])
        started = clock()
        response = await self.call(f"{API}/sites/{site}/documents", body, self.staff.editors[site])
        calls = [clock() - started]
        if response.status_code != 201:
            self.errors.append(f"create on {site}: {response.status_code} {response.text[:300]}")
            return
        doc_id = response.json()["id"]
        sent = done = 0.0
        for step, headers in enumerate(self.staff.reviewers[site]):
            self.sql.label(CALLS[step + 1])
            sent = clock()
            response = await self.call(f"{API}/sites/{site}/documents/{doc_id}/approve", {"comment": "同意"}, headers)
            done = clock()
            calls.append(done - sent)
            if response.status_code != 200:
                failed = f"{response.status_code} {response.text[:300]}"
                self.errors.append(f"approve {step + 1} of {site}/{doc_id}: {failed}")
                self.sql.label(None)
                return
        self.sql.label(None)
        if response.json().get("public_state") != "live":
            self.errors.append(f"{site}/{doc_id} not live after 3 approvals: {response.text[:300]}")
            return
        self.runs.append(DocRun(site, str(doc_id), started, sent, done, calls))

    async def drive(self, plan: Plan, workers: int) -> None:
        items = iter(plan)

        async def worker() -> None:
            for site, body in items:  # one shared iterator: each worker takes the next document
                await self.document(site, body)

        await asyncio.gather(*(worker() for _ in range(workers)))

    async def drive_open(self, plan: Plan, rate: float) -> dict[str, Any]:
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

    async def run(self, plan: Plan, args: argparse.Namespace) -> dict[str, Any] | None:
        """The measured documents, closed loop over --workers or open loop at --rate; the open loop's figures."""
        if args.rate:
            return await self.drive_open(plan, args.rate)
        await self.drive(plan, args.workers)
        return None


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


async def open_sites(client: httpx.AsyncClient, tokens: Tokens, count: int) -> tuple[list, dict[str, dict[str, int]]]:
    """Open `count` demo sites as the platform operator; each site's channel ids by path."""
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


def make_plan(sites: list, channels: dict[str, dict[str, int]], count: int) -> Plan:
    """`count` documents, sites taken in turn, each site cycling through its demo articles."""
    pools = {site.id: itertools.cycle(site_articles(site)) for site in sites}
    order = itertools.cycle([site.id for site in sites])
    plan = []
    for _ in range(count):
        site_id = next(order)
        plan.append((site_id, document_body(next(pools[site_id]), channels[site_id])))
    return plan


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


def figures(driver: Driver, arrived: dict[str, float], began: float, api_done: float) -> dict[str, Any]:
    """Throughput and latencies of the measured documents; `arrived` is when each one's event reached the
    collector, on the driver's clock."""
    runs = driver.runs
    delivered = [r for r in runs if r.doc_id in arrived]
    last_event = max((arrived[r.doc_id] for r in delivered), default=api_done)
    return {
        "published": len(runs),
        "delivered": len(delivered),
        "missing_events": len(runs) - len(delivered),
        "errors": len(driver.errors),
        "error_samples": driver.errors[:5],
        "api_seconds": api_done - began,
        "seconds": last_event - began,
        "docs_per_s": len(delivered) / (last_event - began) if delivered else 0.0,
        "api_docs_per_s": len(runs) / (api_done - began) if runs else 0.0,
        "api_calls_per_s": len(runs) * len(CALLS) / (api_done - began) if runs else 0.0,
        "latency_ms": {call: summary_ms(r.call_seconds[i] for r in runs) for i, call in enumerate(CALLS)},
        "document_ms": summary_ms(arrived[r.doc_id] - r.started for r in delivered),
        "publish_to_event_ms": {
            "from_final_request": summary_ms(arrived[r.doc_id] - r.final_sent for r in delivered),
            "from_final_response": summary_ms(arrived[r.doc_id] - r.final_done for r in delivered),
        },
    }
