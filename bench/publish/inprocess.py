"""--mode inprocess: the content app in this process behind httpx's ASGI transport, with SQL counted by
hooks on its engine and the events collected by a consumer group on its bus."""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import Any

from bench import profiling
from bench.common import fresh_database
from bench.publish import CALLS, CONFIGS
from bench.publish.arrivals import Arrivals
from bench.publish.workload import Driver, Staff, bench_environment, figures, harness_floor, make_plan, open_sites
from bench.sqlstats import SqlStats
from shared.events.content import DOCUMENTS_TOPIC
from shared.testing import TEST_AUDIENCE, TEST_ISSUER, Tokens, running


def content_app(url: str, bus_url: str, tmp: Path, tokens: Tokens):
    from services.content import ContentSettings, create_app

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
    return create_app(settings, access_log=False)


async def run_config(name: str, args: argparse.Namespace, backends) -> dict[str, Any]:
    """One configuration in-process: a fresh migrated database, the app running, the documents driven."""
    from services import content

    async with bench_environment(name, backends, "bench.publish") as (kafka, bus_url, tmp, tokens):
        began = time.perf_counter()
        async with fresh_database(
            "postgres" if kafka else "sqlite",
            tmp,
            "publish",
            admin_url=backends.database_url if kafka else None,
            schema=content.SCHEMA,
        ) as url:
            migrate_seconds = time.perf_counter() - began
            app = content_app(url, bus_url, tmp, tokens)
            runtime = content.ContentRuntime.of(app)
            collector = Arrivals()
            runtime.bus.subscribe("bench.collector", [DOCUMENTS_TOPIC], collector.handle)
            sql = SqlStats(runtime.database.engine.sync_engine)
            try:
                async with running(app) as client:
                    result = await measure(name, args, client, tokens, collector, sql)
            finally:
                sql.close()
    return result | {"migrate_seconds": migrate_seconds, "config": CONFIGS[name]}


async def measure(
    name: str, args: argparse.Namespace, client, tokens: Tokens, collector: Arrivals, sql: SqlStats
) -> dict[str, Any]:
    sites, channels = await open_sites(client, tokens, args.sites)
    plan = make_plan(sites, channels, args.warmup + args.docs)
    driver = Driver(client, sql, Staff.of(tokens, sites), yield_per_call=not args.no_yield)
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
    open_loop = await driver.run(plan[args.warmup :], args)
    api_done = time.perf_counter()
    await collector.wait_for({r.doc_id for r in driver.runs}, args.event_timeout)
    profile = None
    if profiler is not None:
        profile = profiling.report(profiler, Path(f"{args.profile}-{name}"), calls={c: len(driver.runs) for c in CALLS})
    sql.active = False
    baseline = await harness_floor(client, args.workers, 2000)
    await asyncio.sleep(0.2)  # leave the relay idle before shutdown (bench/README.md: shutting the app down)

    result: dict[str, Any] = {
        "mode": "inprocess",
        "documents": args.docs,
        "workers": args.workers,
        "sites": [s.id for s in sites],
        "warmup": args.warmup,
        **figures(driver, collector.received, began, api_done),
        "event_bytes_mean": collector.mean_size(),
        "sql": sql_result(sql, len(driver.runs)),
        "harness_floor": baseline,
        "profiled": bool(profile),
        "yield_per_call": driver.yield_per_call,
    }
    if open_loop:
        result["open_loop"] = open_loop
    if profile:
        result["profile"] = profile
    return result


def sql_result(sql: SqlStats, docs: int) -> dict[str, Any]:
    """Statements, commits and connection time per document, by the call that ran them."""
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
