"""python -m bench.identity [run|serve]: the command line (see the package's docstring and bench/README.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

import bench.identity
from bench.common import console, machine, quiet_logs, warn_if_busy, write_json
from bench.identity.http import measure_http
from bench.identity.report import print_report
from bench.identity.seeding import drop_identity_env, identity_settings, provider, seed
from bench.identity.server import serve, server_process
from bench.identity.verification import measure_verification, provider_parameters
from bench.processes import CLIENT_CORE, pin_this_process, pinning_possible


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Seed in this process, measure verification here, then the HTTP parts against a server process."""
    from services.identity import migrate

    with tempfile.TemporaryDirectory(prefix="sgbench-identity-") as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "identity.db"
        settings = identity_settings(db)
        await migrate(settings)
        async with provider(settings) as deps:
            seed_ = await seed(deps, args.accounts)
            parameters = provider_parameters(deps, seed_)
            verification = await measure_verification(deps, seed_, tmp, args)
        async with server_process(tmp, db, pin=not args.unpinned) as server:
            http = await measure_http(server, seed_, args)
        log = server.log_lines()
        if log:
            console.print(f"[yellow]the server wrote {len(log)} log lines; the last:[/]\n" + "\n".join(log[-10:]))
    return {"parameters": parameters, "verification": verification, "http": http, "server_log": log[-20:]}


def parse_args(argv: list[str]) -> argparse.Namespace:
    """`run` is the default: bare options (or none) mean `run` with them."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.identity", description=bench.identity.__doc__.split("\n\n")[0]
    )
    sub = parser.add_subparsers(dest="command")
    measure = sub.add_parser("run", help="all measurements (the default)")
    measure.add_argument("--verify-tokens", type=int, default=5000, help="distinct tokens per verification round")
    measure.add_argument("--verify-rounds", type=int, default=5)
    measure.add_argument("--repeat", type=int, default=100_000, help="verifications of one token per round")
    measure.add_argument("--workers", type=int, default=16, help="concurrent token requests")
    measure.add_argument("--requests", type=int, default=5000, help="measured requests per grant")
    measure.add_argument("--warmup", type=int, default=500)
    measure.add_argument("--accounts", type=int, default=8)
    measure.add_argument("--logins", type=int, default=200, help="measured logins per run")
    measure.add_argument("--login-warmup", type=int, default=10)
    measure.add_argument("--login-workers", type=int, default=4)
    measure.add_argument("--unpinned", action="store_true", help="no taskset / CPU affinity")
    measure.add_argument("--json", type=Path)
    srv = sub.add_parser("serve", help="the identity app on a seeded database (started by run)")
    srv.add_argument("--db", type=Path, required=True)
    srv.add_argument("--port", type=int, required=True)
    bare = not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help"))
    return parser.parse_args(["run", *argv] if bare else argv)


def run_in_loop(coroutine):
    """The load generator on uvloop when installed (as bench.publish's): less client CPU per request."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def main(argv: list[str] | None = None) -> int:
    """`serve` is the server process the run starts; `run` pins this process to the client core first."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    drop_identity_env()
    if args.command == "serve":
        serve(args.db, args.port)
        return 0
    if not args.unpinned:
        if not pinning_possible():
            raise SystemExit("needs taskset and cores 0 and 1; add --unpinned to run without pinning")
        pin_this_process(CLIENT_CORE)  # as os.sched_setaffinity(0, {1}); the server runs under taskset -c 0
    quiet_logs()
    warn_if_busy()
    results = run_in_loop(run(args))
    print_report(results, args)
    write_json(args.json, {"bench": "identity", "machine": machine(), "args": vars(args), **results})
    failed = sum(r["errors"] for r in results["http"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
