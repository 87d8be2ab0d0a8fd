"""The load: the desk as `bench.letters.server` pinned to core 0, C submitters on core 1 each on its own
keep-alive connection, the events counted inside the server and the rows counted in the database."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from bench.common import console, fresh_database, percentile, summary_ms
from bench.letters import API, SITE_ID, UNIT_CODE
from bench.processes import backend_pids, cpu_between, cpu_sample, free_port, spawn, stop, taskset, tree_cpu, wait_ready
from bench.publish.http import ServerProcess  # the server process as bench.publish reports it
from bench.publish.workload import bench_environment
from bench.rawhttp import RawClient, RawHttpError
from shared.db.engine import create_engine

COUNTS = text(
    "SELECT (SELECT count(*) FROM letters), "
    "(SELECT count(*) FROM outbox WHERE type = 'interaction.letter.received.v1'), "
    "(SELECT count(*) FROM outbox WHERE published_at IS NULL), "
    "(SELECT count(*) FROM mails)"
)


@contextlib.asynccontextmanager
async def server_process(tmp: Path, database_url: str, bus_url: str, jwks_url: str, *, pin: bool):
    """`bench.letters.server` in a process of its own (pinned to core 0), migrated and its desk open."""
    port = free_port()
    command = [*taskset(pin), sys.executable, "-m", "bench.letters.server", "--port", str(port)]
    command += ["--database-url", database_url, "--bus-url", bus_url, "--jwks-url", jwks_url]
    command += ["--blob-url", f"file://{tmp / 'blobs'}"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INTERACTION_", "SITEGROUP_"))}
    log = tmp / "server.log"
    server = ServerProcess(spawn(command, log, env), port, log, command)
    try:
        server.ready_seconds = await wait_ready(server.process, f"{server.base_url}/readyz", log)
        yield server
    finally:
        await stop(server.process)
        server.log_lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
        if server.log_lines:
            console.print(f"[yellow]bench.letters.server wrote {len(server.log_lines)} log lines; the last ones:[/]")
            console.print("\n".join(server.log_lines[-15:]), markup=False, highlight=False)


def letter_bodies(count: int) -> list[dict[str, Any]]:
    """Demo letters with numbered titles: the duplicate check runs on every one and finds none."""
    from sitegroup.demo.letters import LETTERS

    bodies = []
    for i in range(count):
        demo = LETTERS[i % len(LETTERS)]
        bodies.append(
            {
                "category": demo.category,
                "addressee": UNIT_CODE,
                "title": f"{demo.title}（{i + 1}）",
                "body": demo.body,
                "name": demo.writer,
                "phone": f"139{i:08d}",
                "email": f"writer{i}@example.cn",
                "public": True,
            }
        )
    return bodies


@dataclass
class Submitters:
    """C submitters taking letters from one shared list; each answer timed and checked for 201 + 查询码."""

    client: RawClient
    answered: dict[str, tuple[float, float]] = field(default_factory=dict)  # letter key → (sent, answered)
    errors: list[str] = field(default_factory=list)
    sent: int = 0
    created: int = 0  # answers 201 with a 查询码 (more than `answered` only if a letter id came twice)

    async def submit(self, body: dict[str, Any], scheduled: float | None = None) -> None:
        """One letter; timed from `scheduled` when given (open loop: waiting for a free connection counts)."""
        self.sent += 1
        began = time.time() if scheduled is None else scheduled
        try:
            response = await self.client.post(f"{API}/sites/{SITE_ID}/letters", json=body, headers={})
        except (OSError, RawHttpError, asyncio.IncompleteReadError) as exc:
            self.errors.append(f"{body['title']}: {exc!r}")
            return
        done = time.time()
        receipt = response.json() if response.status_code == 201 else {}
        if not receipt.get("tracking_code"):
            self.errors.append(f"{body['title']}: {response.status_code} {response.text[:300]}")
            return
        self.created += 1
        self.answered[f"letter:{receipt['id']}"] = (began, done)

    async def drive(self, bodies: list[dict[str, Any]], concurrency: int) -> float:
        """Send them all, `concurrency` at a time (closed loop); the wall seconds it took."""
        queue = iter(bodies)

        async def submitter() -> None:
            for body in queue:  # one shared iterator: each submitter takes the next letter
                await self.submit(body)

        began = time.perf_counter()
        await asyncio.gather(*(submitter() for _ in range(concurrency)))
        return time.perf_counter() - began

    async def drive_open(self, bodies: list[dict[str, Any]], rate: float) -> float:
        """Open loop, letter i at i/rate s (waiting for a free connection counts): latency at a given load."""
        began, wall_began = time.perf_counter(), time.time()
        tasks = []
        for i, body in enumerate(bodies):
            delay = began + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.submit(body, scheduled=wall_began + i / rate)))
        await asyncio.gather(*tasks)
        return time.perf_counter() - began


async def wait_events(control: httpx.AsyncClient, count: int, timeout: float) -> int:
    """How many letters' events reached the collector, once `count` have or `timeout` passed."""
    response = await control.get("/bench/wait", params={"count": count, "timeout": timeout}, timeout=timeout + 30)
    response.raise_for_status()
    return response.json()["received"]


async def stored_counts(database_url: str) -> dict[str, int]:
    """What the database holds, read apart from the service: the other side of "none lost"."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            row = (await conn.execute(COUNTS)).one()
    finally:
        await engine.dispose()
    return dict(zip(("letters", "outbox_received", "outbox_pending", "mails"), map(int, row), strict=True))


async def run_config(name: str, args: argparse.Namespace, backends) -> dict[str, Any]:
    """One configuration: a fresh database, the server started on it, warm-up, the measured letters, counts."""
    async with (
        bench_environment(name, backends, "bench.letters") as (kafka, bus_url, tmp, tokens),
        fresh_database(  # not migrated here: the server migrates it before it starts
            "postgres" if kafka else "sqlite", tmp, "letters", admin_url=backends.database_url if kafka else None
        ) as url,
    ):
        async with server_process(tmp, url, bus_url, tokens.jwks_url, pin=not args.unpinned) as server:
            result = await measure(name, args, server)
        result["stored"] = await stored_counts(url)
    server_log = {"lines": len(server.log_lines), "last": server.log_lines[-15:]}
    setup = {"concurrency": args.concurrency, "warmup": args.warmup, "rate": args.rate, "unpinned": args.unpinned}
    return result | setup | {"ready_seconds": server.ready_seconds, "server_log": server_log}


@contextlib.asynccontextmanager
async def clients(server: ServerProcess, concurrency: int) -> AsyncIterator[tuple[httpx.AsyncClient, RawClient]]:
    """httpx for the /bench routes, the raw pool (one connection per submitter) for the letters."""
    async with (
        httpx.AsyncClient(base_url=server.base_url, timeout=60.0) as control,
        RawClient(server.port, concurrency) as raw,
    ):
        yield control, raw


async def measure(name: str, args: argparse.Namespace, server: ServerProcess) -> dict[str, Any]:
    """Warm-up letters (events awaited), then the measured ones with the server's CPU read around them."""
    bodies = letter_bodies(args.warmup + args.letters)
    async with clients(server, args.concurrency) as (control, raw):
        warm = await warm_up(control, Submitters(raw), bodies[: args.warmup], args)
        submitters = Submitters(raw)
        pid, watched = server.process.pid, backend_pids() if name == "postgres-kafka" else {}
        cpu_start, tree_start = cpu_sample(pid, watched), tree_cpu(pid)
        measured = bodies[args.warmup :]
        drive = (
            submitters.drive_open(measured, args.rate) if args.rate else submitters.drive(measured, args.concurrency)
        )
        wall = await drive
        cpu_end, tree_end = cpu_sample(pid, watched), tree_cpu(pid)
        await wait_events(control, len(warm.answered) + len(submitters.answered), args.event_timeout)
        events = (await control.get("/bench/events")).json()
        await asyncio.sleep(0.2)  # leave the relay idle before shutdown (bench/README.md: shutting the app down)
    return figures(submitters, warm, events, wall) | {
        "server_cpu_seconds": tree_end - tree_start,
        "cpu": cpu_between(cpu_start, cpu_end),
        "server_command": server.command,
    }


async def warm_up(control: httpx.AsyncClient, warm: Submitters, bodies: list, args: argparse.Namespace) -> Submitters:
    """Every connection used and the warm-up letters' events in, or the run stops: a broken desk is not measured."""
    touched = await asyncio.gather(*(warm.client.get("/healthz") for _ in range(warm.client.size)))
    if any(r.status_code != 200 for r in touched):
        raise SystemExit("warm-up failed: GET /healthz did not answer 200 on every connection")
    await warm.drive(bodies, args.concurrency)
    received = await wait_events(control, len(warm.answered), args.event_timeout)
    if warm.errors or received < len(warm.answered):
        raise SystemExit(f"warm-up failed: {warm.errors[:3]}; events {received} of {len(warm.answered)}")
    await asyncio.sleep(0.3)  # let the relay finish the warm-up's trailing work
    return warm


def latency_ms(seconds: Iterable[float]) -> dict[str, float]:
    """summary_ms plus the p90 this bench reports."""
    values = list(seconds)
    return summary_ms(values) | ({"p90": percentile([v * 1000 for v in values], 90)} if values else {})


def figures(measured: Submitters, warm: Submitters, events: dict[str, Any], wall: float) -> dict[str, Any]:
    """Throughput and latency of the measured letters; what reached the collector, of all of them."""
    answered = measured.answered
    arrived = {key: ns / 1e9 for key, ns in events["events"].items()}
    delivered = [key for key in answered if key in arrived]
    return {
        "sent": warm.sent + measured.sent,
        "created_201": warm.created + measured.created,
        "distinct_receipts": len(warm.answered) + len(answered),
        "warmup_201": warm.created,
        "measured_sent": measured.sent,
        "measured_201": measured.created,
        "errors": len(measured.errors),
        "error_samples": measured.errors[:5],
        "events": len(arrived),
        "event_messages": events["messages"],
        "event_repeats": events["repeats"],
        "measured_delivered": len(delivered),
        "seconds": wall,
        "letters_per_s": measured.created / wall if wall > 0 else 0.0,
        "latency_ms": latency_ms(done - began for began, done in answered.values()),
        "answer_to_event_ms": latency_ms(arrived[key] - answered[key][1] for key in delivered),
    }
