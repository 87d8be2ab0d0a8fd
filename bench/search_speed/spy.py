"""py-spy on a process while a block runs (raw collapsed stacks for `python -m bench.spyshare`), and pinning this
process for a block only."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from bench.common import ROOT, console
from bench.processes import core_ticks, pin_this_process, tree_cpu

PY_SPY = ROOT / ".venv" / "bin" / "py-spy"
RATE = 100


@contextlib.contextmanager
def profiled(prefix: Path | None, label: str, pid: int) -> Iterator[None]:
    """`py-spy record --nonblocking` (it does not pause the process) of `pid` into PREFIX-label.raw, if a prefix."""
    if prefix is None:
        yield
        return
    out = Path(f"{prefix}-{label}.raw")
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [str(PY_SPY), "record", "-p", str(pid), "-r", str(RATE), "--nonblocking", "--threads"]
    process = subprocess.Popen([*command, "--full-filenames", "-f", "raw", "-o", str(out)], stdout=subprocess.DEVNULL)
    time.sleep(1.0)
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(60)
        console.print(f"[dim]  profile: {out} (python -m bench.spyshare {out} --rate {RATE})[/]")


@contextlib.contextmanager
def pinned(core: int | None) -> Iterator[None]:
    """This process (every thread) on one core for the block, as it was after."""
    if core is None:
        yield
        return
    before = os.sched_getaffinity(0)
    pin_this_process(core)
    try:
        yield
    finally:
        for tid in os.listdir("/proc/self/task"):
            with contextlib.suppress(OSError):
                os.sched_setaffinity(int(tid), before)


# a quiet machine -------------------------------------------------------------------------------------------------
def others_pct(seconds: float, own: list[int]) -> float:
    """CPU % (100 = one core) that processes other than `own` (and their children) used over `seconds`."""
    a, own_a = core_ticks()["cpu"], sum(tree_cpu(pid) for pid in own)
    time.sleep(seconds)
    b, own_b = core_ticks()["cpu"], sum(tree_cpu(pid) for pid in own)
    total = b[1] - a[1]
    cores = os.cpu_count() or 1
    busy = 100 * cores * (b[0] - a[0]) / total if total else 0.0
    return busy - 100 * (own_b - own_a) / seconds


def wait_quiet(own: list[int], limit_pct: float = 15.0, minutes: float = 10.0) -> dict[str, float | bool]:
    """Wait (up to `minutes`) until other processes use < `limit_pct` of a core over 2 s; what was seen."""
    began = time.perf_counter()
    seen = others_pct(2.0, own)
    while seen >= limit_pct and time.perf_counter() - began < 60 * minutes:
        load = os.getloadavg()[0]
        console.print(f"[dim]  waiting for a quiet machine: others use {seen:.0f} % of a core, load {load:.2f}[/]")
        time.sleep(8.0)
        seen = others_pct(2.0, own)
    quiet = seen < limit_pct
    if not quiet:
        console.print(f"[yellow]  measuring on a busy machine: others use {seen:.0f} % of a core[/]")
    return {"quiet": quiet, "others_pct": seen, "waited_s": time.perf_counter() - began, "load_1m": os.getloadavg()[0]}
