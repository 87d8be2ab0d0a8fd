"""python -m bench.letters: the command line (see the package's docstring and bench/README.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import bench.letters
from bench.common import machine, quiet_logs, real_backends, warn_if_busy, write_json
from bench.letters.load import run_config
from bench.letters.report import failures, print_result, print_summary
from bench.processes import CLIENT_CORE, pin_this_process, pinning_possible


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The issue's load by default: 3,000 letters from 200 submitters after 100."""
    parser = argparse.ArgumentParser(prog="python -m bench.letters", description=bench.letters.__doc__.split("\n\n")[0])
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgres-kafka", "both"),
        help="default: both when SG_TEST_DATABASE_URL/SG_TEST_BUS_URL are set, else sqlite",
    )
    parser.add_argument("--letters", type=int, default=3000, help="letters measured (default 3000)")
    parser.add_argument("--concurrency", type=int, default=200, help="submitters, one connection each (default 200)")
    parser.add_argument(
        "--rate",
        type=float,
        metavar="R",
        help="open loop: start R letters per second over the C connections whatever is in flight (latency then "
        "counts from the scheduled start); default: closed loop, each submitter sends its next letter when answered",
    )
    parser.add_argument("--warmup", type=int, default=100, help="letters sent before measuring (default 100)")
    parser.add_argument("--event-timeout", type=float, default=120.0, help="seconds to wait for the last events")
    parser.add_argument("--unpinned", action="store_true", help="no taskset / CPU affinity")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the results as JSON")
    args = parser.parse_args(argv)
    if not args.unpinned and not pinning_possible():
        raise SystemExit("bench.letters pins to cores 0 and 1 with taskset: not possible here; add --unpinned")
    if args.rate is not None and args.rate <= 0:
        raise SystemExit("--rate must be > 0")
    if min(args.letters, args.concurrency, args.warmup) < 1:
        raise SystemExit("--letters, --concurrency and --warmup must be at least 1")
    return args


def backend_names(args: argparse.Namespace):
    """The configurations to run and the real backends (None when there are none)."""
    backends = real_backends(read_env_file=args.backend in ("postgres-kafka", "both"))
    wanted = args.backend or ("both" if backends else "sqlite")
    names = ["sqlite", "postgres-kafka"] if wanted == "both" else [wanted]
    if "postgres-kafka" in names and backends is None:
        raise SystemExit("postgres-kafka needs SG_TEST_DATABASE_URL and SG_TEST_BUS_URL (scripts/backends/up.sh)")
    return names, backends


async def main(args: argparse.Namespace) -> int:
    """Each configuration in turn, its table, then the JSON; exit status 1 when a letter was lost or refused."""
    from shared.testing import Backends

    quiet_logs()
    warn_if_busy()
    names, backends = backend_names(args)
    results = {}
    for name in names:
        results[name] = await run_config(name, args, backends or Backends(None, None, None, None))
        print_result(name, results[name])
    if len(results) > 1:
        print_summary(results)
    arguments = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    write_json(args.json, {"bench": "letters", "machine": machine(), "args": arguments, "results": results})
    return 1 if any(failures(r) for r in results.values()) else 0


def cli(argv: list[str] | None = None) -> int:
    """Pinned to the load generator's core before anything starts a thread."""
    args = parse_args(argv)
    if not args.unpinned:
        pin_this_process(CLIENT_CORE)  # the server is started under `taskset -c 0`
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main(args))
    return uvloop.run(main(args))  # the load generator on uvloop, as bench.publish's


if __name__ == "__main__":
    sys.exit(cli())
