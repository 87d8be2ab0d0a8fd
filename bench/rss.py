"""bench.rss — the consolidated process, demo province loaded, stays under 400 MB resident.

Starts `sitegroup serve` in a subprocess (SITEGROUP_DATA_DIR a fresh temp dir, PORT a free port), waits
until it has migrated and seeded the demo province (the site directory lists all 10 sites and the process
has printed "The platform is up"), requests every site's home page a few times (Host: <site>.localhost)
and some of the articles they link to, then reads VmRSS and VmHWM from /proc/<pid>/status and stops it.
The first start (migrations + seeding 615 documents through the workflow) is timed; so is a second start
on the same data directory.

    .venv/bin/python -m bench.rss [--rounds 3] [--articles 5] [--no-restart] [--json var/bench/rss.json]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from rich.table import Table

from bench.common import Target, console, fmt, machine, summary_ms, warn_if_busy, write_json
from bench.processes import children, free_port

RSS_TARGET = Target(400, False, "MB")
READY_LINE = "The platform is up"
SITES = 10
_LINK = re.compile(r'href="(/[^"]+\.html)"')
_SEEDED = re.compile(r"seeding the demo province.*?(\d+)/(\d+)\s+(\d+):(\d\d):(\d\d)")


def memory(pid: int) -> dict[str, float]:
    """VmRSS, VmHWM (peak RSS), RssAnon, RssFile in MB and the thread count, from /proc/<pid>/status."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
            out[key] = int(value.split()[0]) / 1024
        elif key == "Threads":
            out[key] = int(value)
    return out


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    stderr: Path
    started: float

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def seeding(self) -> tuple[int, float] | None:
        """Documents seeded and seconds taken, read off the server's progress bar (1 s resolution)."""
        found = _SEEDED.findall(self.stderr.read_text(errors="replace"))
        if not found:
            return None
        done, _total, h, m, sec = (int(x) for x in found[-1])
        return done, h * 3600 + m * 60 + sec

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.stderr.read_text(errors="replace").splitlines()[-lines:])


def start(data_dir: Path, logs: Path, label: str) -> Server:
    sitegroup = Path(sys.executable).parent / "sitegroup"
    if not sitegroup.exists():
        raise SystemExit(f"{sitegroup} is missing: install the project into the venv (pip install -e .)")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SITEGROUP_", "CONTENT_", "GATEWAY_"))}
    env.update(SITEGROUP_DATA_DIR=str(data_dir), PORT=str(port), PYTHONUNBUFFERED="1")
    stderr = logs / f"{label}.stderr.log"
    process = subprocess.Popen(
        [str(sitegroup), "serve"],
        cwd=data_dir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=(logs / f"{label}.stdout.log").open("wb"),
        stderr=stderr.open("wb"),
        start_new_session=True,
    )
    return Server(process, port, stderr, time.perf_counter())


def wait_ready(server: Server, timeout: float) -> tuple[float, float]:
    """Seconds until the process is up (line printed and all sites listed), and the peak RSS seen meanwhile."""
    peak = 0.0
    deadline = time.perf_counter() + timeout
    with httpx.Client(timeout=2.0) as client:
        while time.perf_counter() < deadline:
            if server.process.poll() is not None:
                raise SystemExit(f"sitegroup serve exited with {server.process.returncode}:\n{server.log_tail()}")
            with contextlib.suppress(OSError):
                peak = max(peak, memory(server.process.pid).get("VmRSS", 0.0))
            if READY_LINE in server.stderr.read_text(errors="replace"):
                with contextlib.suppress(httpx.HTTPError):
                    response = client.get(f"{server.base}/api/v1/content/sites")
                    if response.status_code == 200 and len(response.json()) >= SITES:
                        return time.perf_counter() - server.started, peak
            time.sleep(0.2)
    stop(server)
    raise SystemExit(f"not ready after {timeout:.0f} s:\n{server.log_tail()}")


def browse(server: Server, rounds: int, articles: int) -> dict[str, Any]:
    """Every site's home page `rounds` times, then up to `articles` article pages each home page links to."""
    homes: list[float] = []
    pages: list[float] = []
    first: list[float] = []
    failures: list[str] = []
    with httpx.Client(base_url=server.base, timeout=30.0) as client:
        sites = [s["id"] for s in client.get("/api/v1/content/sites").json()]
        links: dict[str, list[str]] = {}
        for round_no in range(rounds):
            for site in sites:
                started = time.perf_counter()
                response = client.get("/", headers={"host": f"{site}.localhost:{server.port}"})
                elapsed = time.perf_counter() - started
                (first if round_no == 0 else homes).append(elapsed)
                if response.status_code != 200:
                    failures.append(f"home of {site}: {response.status_code}")
                links.setdefault(site, list(dict.fromkeys(_LINK.findall(response.text))))
        after_homes = memory(server.process.pid)
        for site in sites:
            for path in links.get(site, [])[:articles]:
                started = time.perf_counter()
                response = client.get(path, headers={"host": f"{site}.localhost:{server.port}"})
                pages.append(time.perf_counter() - started)
                if response.status_code != 200:
                    failures.append(f"{site}{path}: {response.status_code}")
    return {
        "sites": sites,
        "home_first_ms": summary_ms(first),
        "home_ms": summary_ms(homes),
        "article_ms": summary_ms(pages),
        "requests": len(first) + len(homes) + len(pages),
        "failures": failures,
        "memory_after_homes": after_homes,
    }


def stop(server: Server) -> tuple[float, int | None]:
    """SIGINT (as Ctrl-C would), then SIGTERM, then SIGKILL; seconds it took and the exit code."""
    began = time.perf_counter()
    for sig, wait in ((signal.SIGINT, 20), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        if server.process.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            server.process.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(wait)
    return time.perf_counter() - began, server.process.returncode


def run(label: str, data_dir: Path, logs: Path, args: argparse.Namespace) -> dict[str, Any]:
    server = start(data_dir, logs, label)
    try:
        ready, peak_polled = wait_ready(server, args.timeout)
        idle = memory(server.process.pid)
        browsing = browse(server, args.rounds, args.articles)
        after = memory(server.process.pid)
        extra = children(server.process.pid)
        extra_rss = sum(memory(pid).get("VmRSS", 0.0) for pid in extra)
    finally:
        stopped, code = stop(server)
    seeded = server.seeding()
    return {
        "start": label,
        "ready_seconds": ready,
        "seeded_documents": seeded[0] if seeded else 0,
        "seed_seconds": seeded[1] if seeded else None,
        "memory_ready": idle,
        "memory_after_browsing": after,
        "peak_rss_polled_during_start": peak_polled,
        "child_processes": len(extra),
        "child_rss_mb": extra_rss,
        "browsing": browsing,
        "stop_seconds": stopped,
        "exit_code": code,
    }


def print_results(results: list[dict[str, Any]]) -> None:
    table = Table(title="bench.rss — `sitegroup serve`, consolidated, demo province (10 sites, 615 documents)")
    table.add_column("measure")
    for r in results:
        table.add_column(r["start"], justify="right")
    table.add_column("target")

    def row(name: str, values: list[str], target: Any = "") -> None:
        table.add_row(name, *values, target)

    row("until up (s): start, migrate, seed on the first start", [fmt(r["ready_seconds"], 2) for r in results])
    row(
        "of which seeding (s, progress bar, 1 s steps) · documents",
        [
            f"{r['seed_seconds']} · {r['seeded_documents']}" if r["seed_seconds"] is not None else "no seeding"
            for r in results
        ],
    )
    row("VmRSS when up (MB)", [fmt(r["memory_ready"]["VmRSS"]) for r in results])
    row("VmRSS after the home pages (MB)", [fmt(r["browsing"]["memory_after_homes"]["VmRSS"]) for r in results])
    row(
        "VmRSS after home pages + articles (MB)",
        [fmt(r["memory_after_browsing"]["VmRSS"]) for r in results],
        RSS_TARGET.verdict(max(r["memory_after_browsing"]["VmRSS"] for r in results)) if results else "",
    )
    peak = max(r["memory_after_browsing"]["VmHWM"] for r in results)
    row(
        "VmHWM, peak RSS of the process (MB)",
        [fmt(r["memory_after_browsing"]["VmHWM"]) for r in results],
        RSS_TARGET.verdict(peak),
    )
    row(
        "RssAnon / RssFile (MB)",
        [
            f"{fmt(r['memory_after_browsing']['RssAnon'])} / {fmt(r['memory_after_browsing']['RssFile'])}"
            for r in results
        ],
    )
    row(
        "threads · child processes",
        [f"{int(r['memory_after_browsing']['Threads'])} · {r['child_processes']}" for r in results],
    )
    row(
        "home page, first request per site: p50 / max ms",
        [
            f"{fmt(r['browsing']['home_first_ms'].get('p50'))} / {fmt(r['browsing']['home_first_ms'].get('max'))}"
            for r in results
        ],
    )
    row(
        "home page, later requests: p50 / max ms",
        [f"{fmt(r['browsing']['home_ms'].get('p50'))} / {fmt(r['browsing']['home_ms'].get('max'))}" for r in results],
    )
    row(
        "article pages: n · p50 / max ms",
        [
            f"{r['browsing']['article_ms'].get('n', 0)} · {fmt(r['browsing']['article_ms'].get('p50'))} / "
            f"{fmt(r['browsing']['article_ms'].get('max'))}"
            for r in results
        ],
    )
    row("failed requests", [str(len(r["browsing"]["failures"])) for r in results])
    row("stop on SIGINT (s) · exit code", [f"{fmt(r['stop_seconds'], 2)} · {r['exit_code']}" for r in results])
    console.print(table)
    for r in results:
        for failure in r["browsing"]["failures"][:5]:
            console.print(f"[red]{r['start']}: {failure}[/]")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.rss", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="times each home page is requested (default 3)")
    parser.add_argument("--articles", type=int, default=5, help="article pages per site, from its home (default 5)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the first start")
    parser.add_argument("--no-restart", action="store_true", help="skip the second start on the seeded data")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="use DIR as the data dir and keep it (and logs)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the results as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    warn_if_busy()
    with contextlib.ExitStack() as stack:
        if args.keep:
            data_dir = args.keep.resolve()
            data_dir.mkdir(parents=True, exist_ok=True)
        else:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sgbench-rss-")))
        logs = data_dir / "bench-logs"
        logs.mkdir(exist_ok=True)
        console.print(f"[dim]first start in {data_dir} (migrate + seed the demo province)…[/]")
        results = [run("first start", data_dir, logs, args)]
        if not args.no_restart:
            console.print("[dim]second start on the seeded data…[/]")
            results.append(run("second start", data_dir, logs, args))
        print_results(results)
    write_json(
        args.json,
        {
            "bench": "rss",
            "machine": machine(),
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "results": results,
        },
    )
    over = max(r["memory_after_browsing"]["VmHWM"] for r in results) > RSS_TARGET.value
    failed = any(r["browsing"]["failures"] for r in results)
    return 1 if over or failed else 0


if __name__ == "__main__":
    sys.exit(main())
