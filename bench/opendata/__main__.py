"""python -m bench.opendata: the command line (see the package's docstring and bench/README.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

import bench.opendata
from bench.common import console, machine, quiet_logs, warn_if_busy, write_json
from bench.opendata import PAGE, start
from bench.opendata.data import cache_dir, ensure_csv, ensure_database, ensure_indexed_database
from bench.opendata.floor import floor
from bench.opendata.profile import profile
from bench.opendata.quiet import wait_quiet
from bench.opendata.report import failed, load_line, print_report
from bench.opendata.runs import indexed_run, run_side, search_walkers
from bench.opendata.sides import Datasette, Ours
from bench.opendata.truth import Truth
from bench.opendata.verify import Plan
from bench.processes import CLIENT_CORE, pin_this_process, pinning_possible
from shared.testing import Tokens


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The issue's table by default: 1,000,000 rows, 16 connections, 10 s per query."""
    description = bench.opendata.__doc__.split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="python -m bench.opendata", description=description)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the table (default 1,000,000)")
    parser.add_argument("--connections", type=int, default=16, help="closed-loop walkers, one connection each")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per query (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of the same load first (default 2)")
    parser.add_argument(
        "--slow-seconds", type=float, default=10.0, help="Datasette with facet suggestions on (default 10)"
    )
    parser.add_argument(
        "--profile", type=Path, metavar="PREFIX", help="py-spy our server under (a) and an export: PREFIX-a.raw, …"
    )
    parser.add_argument("--profile-seconds", type=float, default=10.0)
    parser.add_argument(
        "--quiet-minutes", type=float, default=10.0, help="longest wait for other processes to calm down per run"
    )
    parser.add_argument("--unpinned", action="store_true", help="no taskset / CPU affinity")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the results as JSON")
    args = parser.parse_args(argv)
    if not args.unpinned and not pinning_possible():
        raise SystemExit("bench.opendata pins to cores 0 and 1 with taskset: not possible here; add --unpinned")
    if args.rows < 20 * PAGE * max(1, args.connections) or min(args.connections, args.seconds) <= 0:
        raise SystemExit("--rows must be at least 2,000 per connection; --connections and --seconds above 0")
    return args


async def sides(args: argparse.Namespace, plan: Plan, csv_path: Path, database: Path, indexed: Path) -> dict:
    """Ours, then Datasette, then Datasette on the file with the composite index, each alone on core 0."""
    results: dict = {}
    pin = not args.unpinned
    with tempfile.TemporaryDirectory(prefix="sgbench-opendata-") as tmp_name:
        tmp = Path(tmp_name)
        tokens = Tokens(tmp / "keys")
        async with start.ours(tmp, tokens, pin=pin) as server:
            console.rule("ours: services.opendata")
            await wait_quiet(server.process.pid, args.quiet_minutes)
            results["loaded"] = await start.publish(server, tokens, csv_path)
            console.print(f"[dim]{load_line(results['loaded'])}[/]")
            ours = Ours(results["loaded"]["resource_id"])
            results["ours"] = await run_side(server, ours, plan, args)
            if args.profile:
                make = search_walkers(ours, plan, "", args.connections)
                results["profile"] = await profile(server, make, results["ours"]["export"], args)
        results["ours"]["log_lines"] = server.log_lines
        async with start.datasette(database, tmp, pin=pin) as server:
            console.rule(f"Datasette {bench.opendata.DATASETTE_VERSION}")
            results["datasette"] = await run_side(server, Datasette(), plan, args)
        results["datasette"]["log_lines"] = server.log_lines[-20:]
        async with start.datasette(indexed, tmp, pin=pin) as server:
            console.rule(f"Datasette {bench.opendata.DATASETTE_VERSION}, the composite index added to its file")
            results["datasette"]["runs"].append(await indexed_run(server, plan, args))
    return results


async def main(args: argparse.Namespace) -> int:
    """Data and Datasette made if missing, the truth read, both sides run, the tables, the JSON."""
    quiet_logs()
    warn_if_busy()
    csv_path = ensure_csv(args.rows)
    database = ensure_database(args.rows, csv_path)
    indexed = ensure_indexed_database(args.rows, database)
    version = start.ensure_datasette()
    truth = Truth(database, args.rows)
    try:
        plan = Plan.read(truth, args.connections)
    finally:
        truth.close()
    starts = f"{plan.starts[0]:,} … {plan.starts[-1]:,}"
    console.print(f"[dim]{len(plan.combos)} filter pairs; walkers start at rows {starts}[/]")
    alone = floor(database, indexed, plan)
    results = await sides(args, plan, csv_path, database, indexed)
    arguments = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    payload = {"bench": "opendata", "machine": machine(), "datasette": version, "args": arguments,
               "depth": plan.starts[0], "data": str(cache_dir(args.rows)), "filter_pairs": plan.combos,
               "sqlite_alone": alone, "results": results}  # fmt: skip
    print_report(payload)
    write_json(args.json, payload)
    return 1 if failed(results) else 0


def cli(argv: list[str] | None = None) -> int:
    """Pinned to the load generator's core before anything starts a thread."""
    args = parse_args(argv)
    if not args.unpinned:
        pin_this_process(CLIENT_CORE)  # the servers are started under `taskset -c 0`
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main(args))
    return uvloop.run(main(args))  # the load generator on uvloop, as bench.letters'


if __name__ == "__main__":
    sys.exit(cli())
