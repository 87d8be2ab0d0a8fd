"""Where our server's time goes under query (a) and during an export: py-spy samples it (not paused:
--nonblocking) during extra, unmeasured runs, and each thread group's stacks are summed per function."""

from __future__ import annotations

import asyncio
import math
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from bench.common import console, portable
from bench.opendata.load import closed_loop
from bench.opendata.stream import stream
from bench.publish.http import ServerProcess
from bench.spyshare import short

RATE = 100  # samples per second
TOP = 12
FRAME = re.compile(r"^(?P<func>.+?) \((?P<file>.*?)(?::(?P<line>\d+))?\)$")
IDLE = {  # innermost frames of a thread waiting for work: py-spy's idle detection misses them here
    ("EpollSelector.select", "selectors.py"),
    ("_worker", "concurrent/futures/thread.py"),
    ("Condition.wait", "threading.py"),
    ("Queue.get", "queue.py"),
}
PLUMBING = (  # frames on nearly every stack that say nothing about where the time goes
    "threading.py", "concurrent/futures/thread.py", "concurrent/futures/_base.py", "<frozen runpy>",
    "asyncio/runners.py", "asyncio/base_events.py", "asyncio/events.py", "uvicorn/main.py", "uvicorn/server.py",
    "uvicorn/_compat.py", "bench/opendata/server.py",
)  # fmt: skip


def stacks(raw: Path) -> Iterator[tuple[str, list[tuple[str, str, str]], int]]:
    """(thread name, [(function, short file, line)] outermost first, count) per line of py-spy's raw output."""
    for text in raw.read_text(errors="replace").splitlines():
        body, _, count = text.rstrip().rpartition(" ")
        if not count.isdigit():
            continue
        thread, *parts = body.split(";")
        name = thread.split(": ", 1)[1] if thread.startswith("thread (") and ": " in thread else thread
        frames = [(m["func"], short(m["file"]), m["line"] or "") for p in parts if (m := FRAME.match(p))]
        yield name, frames, int(count)


def group_of(thread: str) -> str:
    """The event loop's thread, the datastore's reader threads, or the rest."""
    if thread == "MainThread":
        return "event loop (MainThread)"
    return "datastore-read threads (sqlite3)" if thread.startswith("datastore-read") else "other threads"


def idle(frames: list[tuple[str, str, str]]) -> bool:
    return not frames or any(frames[-1][0] == f and frames[-1][1].endswith(file) for f, file in IDLE)


def summarise(raw: Path, seconds: float) -> dict[str, Any]:
    """Per thread group: busy samples (waits left out), their share of one core, and the top functions by
    inclusive share (plumbing left out) and by self share (the innermost frame, with its line)."""
    busy: Counter[str] = Counter()
    inclusive: dict[str, Counter[str]] = {}
    own: dict[str, Counter[str]] = {}
    for thread, frames, count in stacks(raw):
        if idle(frames):
            continue
        group = group_of(thread)
        busy[group] += count
        names = {f"{func} ({file})" for func, file, _ in frames if not file.endswith(PLUMBING)}
        for name in names:
            inclusive.setdefault(group, Counter())[name] += count
        func, file, line = frames[-1]
        own.setdefault(group, Counter())[f"{func} ({file}:{line})"] += count
    return {
        group: {
            "samples": total,
            "core_share": total / (seconds * RATE),
            "inclusive": {k: v / total for k, v in inclusive.get(group, Counter()).most_common(TOP)},
            "self": {k: v / total for k, v in own[group].most_common(TOP)},
        }
        for group, total in busy.most_common()
    }


async def record(pid: int, seconds: float, raw: Path, work: Awaitable[Any]) -> dict[str, Any]:
    """py-spy on `pid` for `seconds` while `work` runs (started 1 s in); the shares, or {} when py-spy failed."""
    spy = Path(sys.executable).parent / "py-spy"
    if not spy.exists():
        console.print("[yellow]no py-spy in the virtualenv: the profile is skipped[/]")
        work.close()
        return {}
    raw.parent.mkdir(parents=True, exist_ok=True)
    command = [str(spy), "record", "-p", str(pid), "-d", str(int(seconds)), "-r", str(RATE), "--threads"]
    command += ["--full-filenames", "-f", "raw", "-o", str(raw), "--nonblocking"]
    recorder = await asyncio.create_subprocess_exec(*command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    await asyncio.sleep(1.0)
    await work
    _, error = await asyncio.wait_for(recorder.communicate(), seconds + 60)
    if recorder.returncode != 0 or not raw.exists():
        console.print(f"[yellow]py-spy failed ({recorder.returncode}): {error.decode(errors='replace')[-500:]}[/]")
        return {}
    return {"command": portable(" ".join(command)), "seconds": seconds, "rate": RATE, "groups": summarise(raw, seconds)}


async def profile(server: ServerProcess, make: Callable[[], list], exported: dict, args: Any) -> dict[str, Any]:
    """Our server under query (a) for --profile-seconds, then during one more export (as long as the measured
    one took, + 3 s)."""
    prefix, seconds, pid = args.profile, args.profile_seconds, server.process.pid
    loaded = closed_loop(server, make(), max(1.0, seconds - 2))
    found = {"a": await record(pid, seconds, prefix.with_name(f"{prefix.name}-a.raw"), loaded)}
    length = math.ceil(exported["seconds"]) + 3
    export = stream(server.port, exported["path"])
    found["export"] = await record(pid, length, prefix.with_name(f"{prefix.name}-export.raw"), export)
    return found
