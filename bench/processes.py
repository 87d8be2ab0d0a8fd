"""The benches' server processes: cores to pin to, free ports, starting and stopping a server, and the CPU
each process used (from /proc), so every HTTP bench measures its server the same way."""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT

SERVER_CORE, CLIENT_CORE = 0, 1
CLK_TCK = os.sysconf("SC_CLK_TCK")
STOP_SIGNALS = ((signal.SIGINT, 30), (signal.SIGTERM, 10), (signal.SIGKILL, 10))
BACKEND_PID_FILES = {
    "postgresql": ROOT / "var" / "backends" / "pg" / "data" / "postmaster.pid",
    "kafka": ROOT / "var" / "backends" / "kafka" / "kafka.pid",
}


def pinning_possible() -> bool:
    """taskset exists and this process may run on the server's and the load generator's cores."""
    return shutil.which("taskset") is not None and {SERVER_CORE, CLIENT_CORE} <= os.sched_getaffinity(0)


def taskset(pin: bool) -> list[str]:
    """The command prefix that puts a server on its core (nothing when unpinned)."""
    return ["taskset", "-c", str(SERVER_CORE)] if pin else []


def pin_this_process(core: int) -> None:
    """Pin every thread of this process (new threads inherit it), as `taskset -c core` would."""
    for tid in os.listdir("/proc/self/task"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(int(tid), {core})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(command: Sequence[str], log: Path, env: Mapping[str, str] | None = None) -> subprocess.Popen:
    """A server in a session of its own (so a signal reaches it alone), its output in `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env={**(os.environ if env is None else env), "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def log_tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


async def wait_ready(process: subprocess.Popen, url: str, log: Path, timeout: float = 120.0) -> float:
    """Poll `url` until it answers 200; the seconds that took. A server that exits or never answers stops the run."""
    began = time.perf_counter()
    async with httpx.AsyncClient(timeout=2.0) as probe:
        while True:
            if process.poll() is not None:
                raise SystemExit(f"the server exited with {process.returncode}:\n{log_tail(log)}")
            with contextlib.suppress(httpx.HTTPError):
                if (await probe.get(url)).status_code == 200:
                    return time.perf_counter() - began
            if time.perf_counter() - began > timeout:
                raise SystemExit(f"the server was not ready after {timeout:.0f} s:\n{log_tail(log)}")
            await asyncio.sleep(0.1)


async def stop(process: subprocess.Popen) -> None:
    """SIGINT (uvicorn's graceful shutdown), then SIGTERM, then SIGKILL, each given time to work."""
    for sig, wait in STOP_SIGNALS:
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            await asyncio.to_thread(process.wait, wait)


# CPU accounting -------------------------------------------------------------------------------------
def backend_pids() -> dict[str, int]:
    """The PostgreSQL postmaster and the Kafka broker scripts/backends started (first line of their pid files)."""
    found = {}
    for name, path in BACKEND_PID_FILES.items():
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int(path.read_text().split()[0])
            if Path(f"/proc/{pid}").exists():
                found[name] = pid
    return found


def stat_fields(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat from the third (state) on: the command name may hold spaces."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def parents() -> dict[int, int]:
    """Every process's parent, in one pass over /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                found[int(entry)] = int(stat_fields(int(entry))[1])
    return found


def children(pid: int) -> list[int]:
    return [child for child, parent in parents().items() if parent == pid]


def process_tree(root: int) -> set[int]:
    """A process and its descendants."""
    family = parents()
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in family.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return tree


def tree_cpu(root: int) -> float:
    """CPU seconds of a process and its descendants (utime+stime), plus what its reaped children used."""
    total = 0.0
    for pid in process_tree(root):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat_fields(pid)
            total += int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if pid == root else 0)
    return total / CLK_TCK


def core_ticks() -> dict[str, tuple[int, int]]:
    """Busy and total ticks of the machine ("cpu") and of each core, from /proc/stat."""
    cores: dict[str, tuple[int, int]] = {}
    for line in Path("/proc/stat").read_text().splitlines():
        if not line.startswith("cpu"):
            break
        name, *values = line.split()
        ticks = [int(v) for v in values[:8]]  # user nice system idle iowait irq softirq steal
        cores[name] = (sum(ticks) - ticks[3] - ticks[4], sum(ticks))
    return cores


def cpu_sample(pid: int, backends: dict[str, int] | None = None) -> dict[str, Any]:
    """CPU seconds so far: the server process (all its threads), this process, the backends' process trees,
    and the cores' busy/total ticks."""
    fields = stat_fields(pid)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "at": time.perf_counter(),
        "server": (int(fields[11]) + int(fields[12])) / CLK_TCK,  # utime and stime, fields 14 and 15 of stat(5)
        "loadgen": usage.ru_utime + usage.ru_stime,
        "backends": {name: tree_cpu(root) for name, root in (backends or {}).items()},
        "cores": core_ticks(),
    }


def cpu_between(a: dict[str, Any], b: dict[str, Any]) -> dict[str, float]:
    """CPU % over the interval (100 % = one core fully busy)."""
    wall = b["at"] - a["at"]
    out = {
        "interval_s": wall,
        "server_pct": 100 * (b["server"] - a["server"]) / wall,
        "loadgen_pct": 100 * (b["loadgen"] - a["loadgen"]) / wall,
    }
    for name in b["backends"]:
        out[f"{name}_pct"] = 100 * (b["backends"][name] - a["backends"][name]) / wall
    for name in b["cores"]:
        busy = b["cores"][name][0] - a["cores"][name][0]
        total = b["cores"][name][1] - a["cores"][name][1]
        share = busy / total if total else float("nan")
        if name == "cpu":
            out["machine_pct"] = 100 * share * (len(b["cores"]) - 1)  # all cores, 100 % = one core
        else:
            out[f"{name}_pct"] = 100 * share
    known = out["server_pct"] + out["loadgen_pct"] + sum(out[f"{name}_pct"] for name in b["backends"])
    out["other_pct"] = out["machine_pct"] - known
    return out


class PrepareBeforeListening:
    """Pure ASGI: `prepare()` runs once the app has started and before uvicorn listens, so a server that answers
    /readyz already knows what the load needs (a site announced, a mailbox opened)."""

    def __init__(self, app: Any, prepare: Callable[[], Awaitable[None]]) -> None:
        self.app, self.prepare = app, prepare

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def prepare_first(message: dict) -> None:
            if message["type"] == "lifespan.startup.complete":
                await self.prepare()
            await send(message)

        await self.app(scope, receive, prepare_first)
