"""python -m bench.publish: the command line (see the package's docstring and bench/README.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import bench.publish
from bench.common import machine, quiet_logs, real_backends, warn_if_busy, write_json
from bench.processes import CLIENT_CORE, pin_this_process, pinning_possible
from bench.publish.http import run_config_http
from bench.publish.inprocess import run_config
from bench.publish.report import print_result, print_summary


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.publish", description=bench.publish.__doc__.split("\n\n")[0])
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
        args.mode = "http" if pinning_possible() else "inprocess"
    if args.workers is None:
        args.workers = 16 if args.mode == "http" else 8
    if args.mode == "http":
        if args.profile:
            raise SystemExit("--profile samples this process: use it with --mode inprocess")
        if not args.unpinned and not pinning_possible():
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
        print_result(name, results[name])
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
