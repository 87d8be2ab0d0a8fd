"""python -m bench.pages: the command line (see the package's docstring and bench/README.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import bench.pages
from bench.common import quiet_logs
from bench.pages import CORPUS_DOCS, DEFAULT_ROWS, LIST_DOCS
from bench.pages.anchor import cmd_run
from bench.pages.seeding import prepare
from bench.pages.server import serve
from bench.pages.visible import cmd_visible


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=bench.pages.__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="anchor-bench with the sg_* rows; one table")
    run.add_argument("--rows", nargs="+", default=list(DEFAULT_ROWS))
    run.add_argument("--data", type=Path, help="data directory (default $ANCHOR_WORK/sitegroup-pages)")
    run.add_argument("--report-only", action="store_true", help="print the last results.json, run nothing")
    run.add_argument("--json", type=Path)
    prep = sub.add_parser("prepare", help="seed a fresh data directory")
    prep.add_argument("--data", type=Path, required=True)
    srv = sub.add_parser("serve", help="serve a prepared data directory")
    srv.add_argument("--data", type=Path, required=True)
    srv.add_argument("--port", type=int, required=True)
    srv.add_argument("--uncached", action="store_true", help="RENDER_CACHE_ENABLED=false")
    srv.add_argument("--mirror", action="store_true", help="write the static mirror (off by default)")
    vis = sub.add_parser("visible", help="publish → visible latency over HTTP")
    vis.add_argument("--count", type=int, default=200, choices=range(1, CORPUS_DOCS - LIST_DOCS + 1), metavar="N")
    vis.add_argument("--pause", type=float, default=0.5, help="seconds between documents")
    vis.add_argument("--limit", type=float, default=10.0, help="seconds to wait for a page")
    vis.add_argument("--port", type=int, default=8011)
    vis.add_argument("--json", type=Path)
    bare = not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help"))
    return parser.parse_args(["run", *argv] if bare else argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "prepare":
        quiet_logs()
        print(asyncio.run(prepare(args.data))["article"])
        return 0
    if args.command == "serve":
        serve(args.data, args.port, uncached=args.uncached, mirror=args.mirror)
        return 0
    quiet_logs()
    return cmd_visible(args) if args.command == "visible" else cmd_run(args)


if __name__ == "__main__":
    sys.exit(main())
