"""python -m bench.relay: the command line (see the package's docstring and bench/README.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

import bench.relay
from bench.common import console, fmt, machine, quiet_logs, real_backends, warn_if_busy, write_json
from bench.relay import CONSUMER, TARGET_LABELS
from bench.relay.bus import run_one
from bench.relay.consumer import run_with_consumer
from bench.relay.outbox import Template, choose, real_templates
from bench.relay.report import print_results


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.relay", description=bench.relay.__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50_000, help="outbox rows per run (default 50,000)")
    parser.add_argument("--batch-sizes", default="500,2000", help="relay batch sizes to try (default 500,2000)")
    parser.add_argument(
        "--targets",
        help="comma-separated db:bus pairs (sqlite|postgres : memory|kafka), or "
        "sqlite:memory+consumer; default: all five when SG_TEST_* name the backends, else "
        "sqlite:memory,sqlite:memory+consumer",
    )
    parser.add_argument(
        "--consumer-events",
        type=int,
        default=5_000,
        help="outbox rows for sqlite:memory+consumer, which is slow (default 5,000)",
    )
    parser.add_argument("--payload-bytes", default="3000-5000", help="preferred event size range (default 3000-5000)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the results as JSON")
    return parser.parse_args(argv)


def chosen_targets(args: argparse.Namespace) -> tuple[list[str], Any]:
    """The targets asked for, or all the backends at hand allow; one needing PostgreSQL or Kafka without them
    stops the run before anything is measured."""
    from shared.testing import Backends

    wanted = args.targets.split(",") if args.targets else None
    needs_real = wanted is None or any(t.startswith("postgres") or t.endswith("kafka") for t in wanted)
    backends = real_backends(read_env_file=wanted is not None and needs_real)
    if wanted is None:
        wanted = list(TARGET_LABELS) if backends else ["sqlite:memory", CONSUMER]
    for target in wanted:
        if target not in TARGET_LABELS:
            raise SystemExit(f"unknown target {target!r}; known: {', '.join(TARGET_LABELS)}")
        if not target.startswith("sqlite:memory") and backends is None:
            raise SystemExit(f"{target} needs SG_TEST_DATABASE_URL and SG_TEST_BUS_URL (scripts/backends/up.sh)")
    return wanted, backends or Backends(None, None, None, None)


async def measure_all(
    args: argparse.Namespace, wanted: list[str], backends, tmp: Path
) -> tuple[list[dict[str, Any]], list[Template]]:
    """Real event payloads first, then every target at every batch size, one after another."""
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    low, high = (int(x) for x in args.payload_bytes.split("-"))
    console.print("[dim]publishing demo documents through the content service for real event payloads…[/]")
    found, template_db = await real_templates(tmp, per_site=40, sites=3)
    templates = choose(found, low, high)
    results = []
    for target in wanted:
        for batch in batch_sizes:
            count = args.consumer_events if target == CONSUMER else args.events
            console.print(f"[dim]{TARGET_LABELS[target]}, batch {batch}: filling {count:,} rows…[/]")
            if target == CONSUMER:
                result = await run_with_consumer(batch, count, templates, template_db, tmp)
            else:
                result = await run_one(target, batch, args, backends, templates, tmp)
            console.print(f"  → {fmt(result['events_per_s'], 0)} events/s")
            results.append(result)
    return results, templates


async def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    quiet_logs()
    warn_if_busy()
    wanted, backends = chosen_targets(args)
    with tempfile.TemporaryDirectory(prefix="sgbench-relay-") as tmp_name:
        results, templates = await measure_all(args, wanted, backends, Path(tmp_name))
    print_results(results, templates)
    write_json(
        args.json,
        {
            "bench": "relay",
            "machine": machine(),
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "results": results,
            "payload_bytes": sorted(len(t.payload) for t in templates),
        },
    )
    failed = any(r["delivered"] != r["events"] or r["left_pending"] for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
