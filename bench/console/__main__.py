"""python -m bench.console: the command line (see the package's docstring and bench/README.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import bench.console
from bench.common import console, machine, quiet_logs, warn_if_busy, write_json
from bench.console import DEFAULT_DATA, RESULTS, TARGET
from bench.console.measuring import measure, wait_quiet
from bench.console.report import noise, pages_met, report
from bench.console.seeding import prepare, prepared
from bench.processes import CLIENT_CORE, pin_this_process, pinning_possible


async def cmd_run(args: argparse.Namespace) -> int:
    """Prepare if needed, wait for a quiet machine, measure, print and save."""
    info = prepared(args.data) or await prepare(args.data, args.documents, args.in_review, args.workers)
    quiet = await wait_quiet(args.quiet_minutes)
    pin = pinning_possible() and not args.unpinned
    if pin:
        pin_this_process(CLIENT_CORE)
    warn_if_busy()
    figures = await measure(args.data, info, args, pin)
    console.print(report(figures, pin))
    console.print(noise(figures))
    payload = {"machine": machine(), "quiet": quiet, "pinned": pin, "prepared": info, "method": method(args)}
    write_json(args.json, payload | figures)
    return 0 if pages_met(figures) else 1


def method(args: argparse.Namespace) -> dict[str, Any]:
    """How the rows were measured, for the JSON."""
    return {"requests": args.requests, "warmup": args.warmup, "target": TARGET.label(), "client": "bench.rawhttp"}


def parse_args(argv: list[str]) -> argparse.Namespace:
    """`run` (default) or `prepare`, with their options."""
    description = bench.console.__doc__.split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="python -m bench.console", description=description)
    sub = parser.add_subparsers(dest="command")
    for name in ("run", "prepare"):
        cmd = sub.add_parser(name)
        cmd.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"data directory (default {DEFAULT_DATA})")
        cmd.add_argument("--documents", type=int, default=10_000, help="documents in hefei after prepare")
        cmd.add_argument("--in-review", type=int, default=200, help="of the added documents, submitted for review")
        cmd.add_argument("--workers", type=int, default=8, help="POSTs in flight while preparing")
    run = sub.choices["run"]
    run.add_argument("--requests", type=int, default=300, help="measured requests per row")
    run.add_argument("--warmup", type=int, default=30, help="requests per row before the measured ones")
    run.add_argument("--quiet-minutes", type=float, default=20, help="wait this long at most for a quiet machine")
    run.add_argument("--unpinned", action="store_true", help="no taskset for the server, no pinning of this process")
    run.add_argument("--json", type=Path, default=RESULTS)
    bare = not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help"))
    return parser.parse_args(["run", *argv] if bare else argv)


def main(argv: list[str] | None = None) -> int:
    """The command line."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    quiet_logs()
    if args.command == "prepare":
        console.print(asyncio.run(prepare(args.data, args.documents, args.in_review, args.workers)))
        return 0
    return asyncio.run(cmd_run(args))


if __name__ == "__main__":
    sys.exit(main())
