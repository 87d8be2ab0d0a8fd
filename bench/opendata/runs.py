"""One side's whole turn on core 0: its answers checked, then each query loaded in a closed loop, then the
whole table exported while its memory is watched."""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable
from typing import Any

from bench.common import console
from bench.opendata import PAGE
from bench.opendata.load import Walk, cycling, measure
from bench.opendata.quiet import undisturbed
from bench.opendata.sides import Datasette, Ours
from bench.opendata.stream import rss_watch, stream
from bench.opendata.verify import Plan, verify
from bench.processes import cpu_between, cpu_sample
from bench.publish.http import ServerProcess

OFFSET_STEPS = 10  # deep offset pages per walker start: the offsets cycle through starts × steps


def search_walkers(side: Ours | Datasette, plan: Plan, variant: str, walkers: int) -> Callable[[], list]:
    """Query (a): the filter pairs in turn, so no answer is the previous one again."""
    paths = [side.search(district, grade, variant) for district, grade, _ in plan.combos]
    return lambda: cycling(paths, side.page, walkers)


def keyset_walkers(side: Ours | Datasette, order: str, firsts: list[str], variant: str) -> Callable[[], list]:
    """One keyset chain per walker, each from its own deep start."""

    def path_of(token: str) -> str:
        return side.keyset(order, token, variant)

    return lambda: [Walk(path_of, first, side.page) for first in firsts]


def offset_walkers(side: Ours, plan: Plan, walkers: int) -> Callable[[], list]:
    """Deep offsets in turn (ours only: Datasette pages by _next alone)."""
    paths = [side.offset("time", s + k * PAGE) for k in range(OFFSET_STEPS) for s in plan.starts]
    return lambda: cycling(paths, side.page, walkers)


def runs_of(side: Ours | Datasette, plan: Plan, firsts: dict[str, list[str]], args: argparse.Namespace) -> list:
    """(query, variant, walkers, seconds, warm-up seconds) of each loaded run."""
    c, s, w = args.connections, args.seconds, args.warmup
    if isinstance(side, Ours):
        return [
            ("a", "", search_walkers(side, plan, "", c), s, w),
            ("b-id", "", keyset_walkers(side, "id", firsts["id"], ""), s, w),
            ("b-time", "", keyset_walkers(side, "time", firsts["time"], ""), s, w),
            ("b-offset", "", offset_walkers(side, plan, c), s, w),
        ]
    return [
        ("a", "nosuggest", search_walkers(side, plan, "nosuggest", c), s, w),
        ("a", "nocount", search_walkers(side, plan, "nocount", c), s, w),
        ("a", "default", search_walkers(side, plan, "default", c), args.slow_seconds, 0),
        ("b-id", "nosuggest", keyset_walkers(side, "id", firsts["id"], "nosuggest"), s, w),
        ("b-id", "nocount", keyset_walkers(side, "id", firsts["id"], "nocount"), s, w),
        ("b-time", "nosuggest", keyset_walkers(side, "time", firsts["time"], "nosuggest"), s, w),
        ("b-time", "nocount", keyset_walkers(side, "time", firsts["time"], "nocount"), s, w),
    ]


async def run_side(server: ServerProcess, side: Ours | Datasette, plan: Plan, args: argparse.Namespace) -> dict:
    """Checks, the loaded runs, the export; each printed as it ends."""
    began = time.perf_counter()
    checks, firsts = await verify(server.base_url, side, plan)
    console.print(f"[dim]{side.name}: answers checked in {time.perf_counter() - began:.1f} s[/]")
    runs = []
    for query, variant, make, seconds, warmup in runs_of(side, plan, firsts, args):
        result = await undisturbed(
            server.process.pid, args.quiet_minutes, functools.partial(measure, server, make, seconds, warmup)
        )
        result |= {"query": query, "side": side.name, "variant": variant, "example": make()[0].path()}
        runs.append(result)
        latency = result["latency_ms"]
        console.print(
            f"[dim]{side.name} {query} {variant}: {result['requests_per_s']:,.1f} req/s, p50 {latency['p50']:.1f} "
            f"p99 {latency['p99']:.1f} ms, {result['errors']} errors, server {result['cpu']['server_pct']:.0f} %[/]"
        )
    exported = await undisturbed(server.process.pid, args.quiet_minutes, functools.partial(export, server, side))
    found = {"checks": checks, "runs": runs, "export": exported, "ready_seconds": server.ready_seconds,
             "command": server.command}  # fmt: skip
    if isinstance(side, Ours):
        live = functools.partial(export, server, side, side.export_live())
        found["export_live"] = await undisturbed(server.process.pid, args.quiet_minutes, live)
    return found


async def indexed_run(server: ServerProcess, plan: Plan, args: argparse.Namespace) -> dict[str, Any]:
    """(a) on Datasette again, its file given the composite index our datastore builds for itself."""
    side = Datasette()
    make = search_walkers(side, plan, "nosuggest", args.connections)
    measured = functools.partial(measure, server, make, args.seconds, args.warmup)
    result = await undisturbed(server.process.pid, args.quiet_minutes, measured)
    result |= {"query": "a", "side": side.name, "variant": "indexed", "example": make()[0].path()}
    latency = result["latency_ms"]
    console.print(
        f"[dim]datasette a indexed: {result['requests_per_s']:,.1f} req/s, p50 {latency['p50']:.1f} "
        f"p99 {latency['p99']:.1f} ms, {result['errors']} errors[/]"
    )
    return result


async def export(server: ServerProcess, side: Ours | Datasette, path: str | None = None) -> dict[str, Any]:
    """The whole table as CSV on one connection; the server's VmRSS every 100 ms and its CPU meanwhile."""
    pid = server.process.pid
    before = cpu_sample(pid)
    path = path or side.export()
    async with rss_watch(pid) as rss:
        got = await stream(server.port, path)
    cpu = cpu_between(before, cpu_sample(pid))
    console.print(
        f"[dim]{side.name} export {path[-40:]}: {got.bytes / 1e6:,.1f} MB in {got.seconds:.1f} s = "
        f"{got.mb_per_s:.1f} MB/s, "
        f"RSS {rss[0] / 1024:.0f} → peak {max(rss) / 1024:.0f} MiB[/]"
    )
    return {"path": path, "status": got.status, "bytes": got.bytes, "lines": got.lines,
            "rows": got.lines - 1, "seconds": got.seconds, "first_byte_s": got.first_byte_s,
            "mb_per_s": got.mb_per_s, "sha1": got.sha1, "header": got.head,
            "rss_kib": {"before": rss[0], "peak": max(rss), "after": rss[-1], "samples": len(rss)},
            "cpu": cpu}  # fmt: skip
