"""python -m bench.search_speed: the command line (see the package's docstring and bench/README.md)."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import bench.search_speed
from bench.common import console, machine, quiet_logs, warn_if_busy, write_json
from bench.processes import CLIENT_CORE, pinning_possible
from bench.search_speed import DEFAULT_DATA, ENGINES, ES_URL, corpus, freshness, indexing, querying, report
from bench.search_speed.spy import pinned, profiled, wait_quiet


def own() -> list[int]:
    """This process and the Elasticsearch node: what a quiet machine may still run."""
    return [os.getpid(), *filter(None, [indexing.es_pid()])]


def loadavg() -> float:
    return os.getloadavg()[0]


async def run_engine(engine: str, args: argparse.Namespace, pin: bool) -> dict[str, Any]:
    """Build (or reuse) the engine's index, then the query phase and freshness; the figures."""
    directory = args.data / f"{engine}-{args.docs}"
    out: dict[str, Any] = {"load": {}}
    built = indexing.Built.load(directory) if args.reuse else None
    if built is not None and built.engine == engine and built.docs == args.docs:
        console.print(f"[bold]{engine}[/]: reusing the index built in {directory}")
    else:
        if directory.exists():
            shutil.rmtree(directory)
        built = indexing.new_build(engine, args.docs, directory, args.es_url)
        console.print(f"[bold]{engine}[/]: indexing {args.docs:,} documents into {directory}")
        out["quiet"] = {"indexing": wait_quiet(own(), minutes=args.quiet_minutes_indexing)}
        before = loadavg()
        with profiled(args.profile, f"index-{engine}", os.getpid()):
            out["indexing"] = await indexing.build(built)
        out["load"]["indexing"] = [before, loadavg()]
        built.save()
        f = out["indexing"]
        size = f["index_bytes"] / 2**20
        console.print(f"  {f['docs_per_s']:,.0f} docs/s, {f['seconds']:,.0f} s, index {size:,.0f} MB")
    if not args.no_queries:
        console.print(f"[bold]{engine}[/]: queries over HTTP")
        before = loadavg()
        with pinned(CLIENT_CORE if pin else None):
            out["queries"] = await querying.measure(built, args, pin, directory / "serve.log")
        out["load"]["queries"] = [before, loadavg()]
    if args.freshness:
        console.print(f"[bold]{engine}[/]: freshness, {args.freshness} documents")
        out.setdefault("quiet", {})["freshness"] = wait_quiet(own(), minutes=args.quiet_minutes)
        before = loadavg()
        out["freshness"] = await freshness.measure(built, args.freshness)
        out["load"]["freshness"] = [before, loadavg()]
        if args.kafka:
            console.print(f"[bold]{engine}[/]: freshness through Kafka ({args.kafka}), {args.freshness} documents")
            out["freshness_kafka"] = await freshness.measure(built, args.freshness, kafka_url=args.kafka)
    if engine == "elasticsearch" and not args.keep:
        await indexing.drop_es(args.es_url, built.index_name)
        shutil.rmtree(directory, ignore_errors=True)
    return out


async def cmd_run(args: argparse.Namespace) -> int:
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - set(ENGINES)
    if unknown:
        raise SystemExit(f"--engines: {', '.join(sorted(unknown))}? (embedded, elasticsearch)")
    pin = pinning_possible() and not args.unpinned
    warn_if_busy()
    started = machine()
    console.print(f"[dim]load average {started['loadavg_1m_5m_15m']}[/]")
    runs: dict[str, Any] = {}
    payload = {"machine": started, "pinned": pin, "method": method(args), "runs": runs}
    for engine in engines:
        runs[engine] = await run_engine(engine, args, pin)
        write_json(args.json, payload)  # what is measured so far, should a later engine fail
    console.print(report.indexing_table(runs))
    if not args.no_queries:
        console.print(report.query_table(runs, args.docs))
        for line in report.checks(runs):
            console.print(f"[dim]{line}[/]")
    if args.freshness:
        console.print(report.freshness_table(runs))
    payload["ended"] = machine()
    write_json(args.json, payload)
    return 0


def method(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "docs": args.docs,
        "sites": len(corpus.SITES),
        "queries": args.queries,
        "sequential": args.sequential,
        "connections": args.connections,
        "seconds": args.seconds,
        "warmup_seconds": args.warmup_seconds,
        "freshness_documents": args.freshness,
        "publish_batch": indexing.PUBLISH_BATCH,
        "client": "bench.rawhttp",
        "profile": str(args.profile) if args.profile else None,
        "reused_index": args.reuse,
        "quiet_minutes": args.quiet_minutes,
    }


def parse_args(argv: list[str]) -> argparse.Namespace:
    description = bench.search_speed.__doc__.split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="python -m bench.search_speed", description=description)
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run")
    run.add_argument("--docs", type=int, default=100_000)
    run.add_argument("--engines", default="embedded,elasticsearch")
    run.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"indexes go here (default {DEFAULT_DATA})")
    run.add_argument("--reuse", action="store_true", help="query an index built before for the same --docs")
    run.add_argument("--keep", action="store_true", help="keep the Elasticsearch index (and its database) afterwards")
    run.add_argument("--es-url", default=ES_URL)
    run.add_argument("--queries", type=int, default=200, help="distinct two-word queries")
    run.add_argument("--sequential", type=int, default=2000, help="queries on one connection, per scope")
    run.add_argument("--connections", type=int, default=8, help="closed-loop connections at saturation")
    run.add_argument("--seconds", type=float, default=20.0, help="duration of each saturated row")
    run.add_argument("--warmup-seconds", type=float, default=5.0)
    run.add_argument("--freshness", type=int, default=50, help="documents published one at a time (0: skip)")
    run.add_argument("--kafka", help="also measure freshness through this Kafka broker (kafka://127.0.0.1:19092)")
    run.add_argument("--no-queries", action="store_true")
    run.add_argument("--quiet-minutes", type=float, default=10.0, help="per query row: wait this long for quiet")
    run.add_argument("--quiet-minutes-indexing", type=float, default=2.0, help="wait this long for a quiet machine")
    run.add_argument("--unpinned", action="store_true")
    run.add_argument("--profile", type=Path, help="py-spy raw profiles to PREFIX-<phase>-<engine>.raw")
    run.add_argument("--json", type=Path)
    bare = not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help"))
    return parser.parse_args(["run", *argv] if bare else argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    quiet_logs()
    return asyncio.run(cmd_run(args))


if __name__ == "__main__":
    sys.exit(main())
