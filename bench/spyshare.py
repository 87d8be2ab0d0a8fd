"""bench.spyshare — where a process's time goes, by package, from a py-spy raw (collapsed stacks) file.

Record with thread ids and full file names, while the load runs (py-spy pauses the process for each
sample, so a profiled run is slower; read its proportions, not its rates):

    .venv/bin/py-spy record -p <pid> -d 15 -r 250 --threads --full-filenames -f raw -o /tmp/server.raw
    .venv/bin/python -m bench.spyshare /tmp/server.raw [--seconds 15 --rate 250] [--json PATH]

Each sample is charged to the package of its innermost Python frame (self time): C code (sqlite3,
pydantic-core, uvloop, httptools, orjson) is charged to the Python function that called it, since
py-spy sees Python frames only (without --native). The main thread (the one that ran `runpy`) is
reported apart from the others. py-spy leaves out idle threads' samples unless --idle is given, but it
does not always notice that a thread-pool thread waits for work (`concurrent.futures.thread._worker`
at the top of its stack): those samples are left out here. Also printed: the share of the main thread's samples
that have a frame of a given package anywhere on the stack (inclusive).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

from rich.table import Table

from bench.common import console, fmt, machine, write_json

_FRAME = re.compile(r"^(?P<func>\S+) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")
_THREAD = re.compile(r"^thread \((?P<tid>\w+)\)(?:: (?P<name>.*))?$")  # what --threads puts first
_IDLE_POOL = ("_worker", "concurrent/futures/thread.py")  # a thread-pool thread waiting for work

# (label, test on the frame's file path); the first match wins
PACKAGES: list[tuple[str, re.Pattern[str]]] = [
    # sqlite3's C code runs under these Python frames of the in-loop driver: SQLite's own work
    ("sqlite3 (C), called by shared/db/sqlite_inloop.py", re.compile(r"(^|/)shared/db/sqlite_inloop\.py$")),
    ("sqlalchemy", re.compile(r"/site-packages/sqlalchemy/|^<sqlalchemy generated ")),
    ("fastapi", re.compile(r"/site-packages/fastapi/")),
    ("starlette", re.compile(r"/site-packages/starlette/")),
    ("uvicorn", re.compile(r"/site-packages/uvicorn/")),
    ("pydantic", re.compile(r"/site-packages/pydantic(_core|_settings)?/")),
    ("anyio", re.compile(r"/site-packages/anyio/")),
    ("jwt / cryptography", re.compile(r"/site-packages/(jwt|cryptography)/")),
    ("structlog", re.compile(r"/site-packages/structlog/")),
    ("other site-packages", re.compile(r"/site-packages/")),
    ("shared/", re.compile(r"(^|/)shared/")),
    ("services/", re.compile(r"(^|/)services/")),
    ("bench/", re.compile(r"(^|/)bench/")),
    ("asyncio (stdlib)", re.compile(r"/asyncio/")),
    ("other stdlib", re.compile(r"/lib/python3\.\d+/|^<frozen ")),
]
GROUPS = {
    "fastapi + starlette + uvicorn": ("fastapi", "starlette", "uvicorn", "anyio"),
    "shared/ (with the in-loop driver)": ("shared/", "sqlite3 (C), called by shared/db/sqlite_inloop.py"),
}


def package(path: str) -> str:
    for label, pattern in PACKAGES:
        if pattern.search(path):
            return label
    return "other"


def short(path: str) -> str:
    """The file's path from its package on (site-packages/…, the repository, the stdlib)."""
    for marker in ("/site-packages/", "/lib/python3.11/", "/lib/python3.12/", "/lib/python3.13/"):
        if marker in path:
            return path.split(marker, 1)[1]
    for top in ("/shared/", "/services/", "/bench/"):
        if top in path:
            return top[1:] + path.split(top, 1)[1]
    return path


def parse(path: Path) -> list[tuple[str, list[tuple[str, str]], int]]:
    """(thread, [(function, file)] outermost first, count) per distinct stack."""
    stacks = []
    for raw in path.read_text(errors="replace").splitlines():
        raw = raw.rstrip()
        if not raw:
            continue
        body, _, count = raw.rpartition(" ")
        if not count.isdigit():
            continue
        thread = ""
        frames: list[tuple[str, str]] = []
        for part in body.split(";"):
            if not thread and not frames and (t := _THREAD.match(part)):
                thread = t["name"] or t["tid"]
                continue
            m = _FRAME.match(part)
            frames.append((m["func"], m["file"]) if m else (part, ""))
        stacks.append((thread, frames, int(count)))
    return stacks


def is_main(thread: str, frames: list[tuple[str, str]]) -> bool:
    """The event loop's thread: named MainThread (or, without --threads, a stack rooted in runpy). ORM work
    that SQLAlchemy's async layer runs in a greenlet shows only the greenlet's frames, on that thread."""
    if thread:
        return thread == "MainThread"
    return bool(frames) and (frames[0][0] in ("<module>", "_run_module_as_main") or "runpy" in frames[0][1])


def idle_pool_thread(frames: list[tuple[str, str]]) -> bool:
    return bool(frames) and frames[-1][0] == _IDLE_POOL[0] and frames[-1][1].endswith(_IDLE_POOL[1])


def summarise(path: Path, seconds: float | None, rate: float | None) -> dict:
    stacks = parse(path)
    main_self: Counter[str] = Counter()
    main_functions: Counter[str] = Counter()
    main_incl: Counter[str] = Counter()
    others: Counter[str] = Counter()
    other_threads: Counter[str] = Counter()
    main_total = 0
    idle_pool = 0
    for thread, frames, count in stacks:
        if is_main(thread, frames):
            main_total += count
            leaf = package(frames[-1][1]) if frames else "no Python frame"
            main_self[leaf] += count
            main_functions[f"{frames[-1][0]} ({short(frames[-1][1])})" if frames else "no Python frame"] += count
            for label in {package(file) for _, file in frames}:
                main_incl[label] += count
        elif idle_pool_thread(frames):
            idle_pool += count  # py-spy does not always see that these wait: left out
        else:
            others[package(frames[-1][1]) if frames else "no Python frame"] += count
            other_threads[thread or (frames[0][0] if frames else "?")] += count
    out = {
        "file": str(path),
        "main_thread_samples": main_total,
        "other_thread_samples": sum(others.values()),
        "idle_pool_thread_samples_left_out": idle_pool,
        "main_self_share": {k: v / main_total for k, v in main_self.most_common()} if main_total else {},
        "main_inclusive_share": {k: v / main_total for k, v in main_incl.most_common()} if main_total else {},
        "main_top_functions_self_share": {k: v / main_total for k, v in main_functions.most_common(25)}
        if main_total
        else {},
        "other_threads": dict(other_threads.most_common()),
        "other_threads_self": dict(others.most_common()),
    }
    for group, members in GROUPS.items():
        out["main_self_share"][group] = sum(out["main_self_share"].get(m, 0.0) for m in members)
    if seconds and rate:
        out["main_thread_busy_share"] = main_total / (seconds * rate)
    return out


def print_summary(s: dict) -> None:
    table = Table(title=f"py-spy: main thread, {s['main_thread_samples']:,} samples, by package")
    table.add_column("package")
    table.add_column("self %", justify="right")
    table.add_column("on the stack %", justify="right")
    for label, share in sorted(s["main_self_share"].items(), key=lambda kv: -kv[1]):
        if label in GROUPS:
            continue
        table.add_row(label, fmt(100 * share), fmt(100 * s["main_inclusive_share"].get(label, 0.0)))
    for group in GROUPS:
        table.add_row(f"[bold]{group}[/]", fmt(100 * s["main_self_share"][group]), "")
    console.print(table)
    table = Table(title="main thread: top functions by self time")
    table.add_column("function (file)")
    table.add_column("self %", justify="right")
    for label, share in list(s["main_top_functions_self_share"].items())[:15]:
        table.add_row(label, fmt(100 * share))
    console.print(table)
    if "main_thread_busy_share" in s:
        console.print(f"main thread busy (samples / (seconds × rate)): {fmt(100 * s['main_thread_busy_share'])} %")
    console.print(
        f"other threads: {s['other_thread_samples']:,} samples "
        + ", ".join(f"{k}: {v}" for k, v in list(s["other_threads"].items())[:5])
        + f"; idle thread-pool samples left out: {s['idle_pool_thread_samples_left_out']:,}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.spyshare", description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", type=Path, help="py-spy record -f raw output (with --threads --full-filenames)")
    parser.add_argument("--seconds", type=float, help="the recording's -d, to print how busy the main thread was")
    parser.add_argument("--rate", type=float, help="the recording's -r")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the shares as JSON")
    args = parser.parse_args(argv)
    summary = summarise(args.raw, args.seconds, args.rate)
    print_summary(summary)
    write_json(args.json, {"bench": "spyshare", "machine": machine(), "results": summary})
    return 0


if __name__ == "__main__":
    sys.exit(main())
