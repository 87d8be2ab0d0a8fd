"""Other sessions run test suites on this machine now and then: each run waits until other processes use less
than OTHER_MAX % of a core, and a run they disturbed anyway (more than that during it) is measured again."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench.common import console
from bench.processes import cpu_between, cpu_sample

OTHER_MAX = 15.0  # % of one core; the idle backends (Kafka, Elasticsearch, SeaweedFS) use 5–10 % here
ATTEMPTS = 3


async def wait_quiet(pid: int, minutes: float) -> float:
    """Seconds waited until other processes used < OTHER_MAX % of a core over a second (after `minutes`: go)."""
    began = time.perf_counter()
    while True:
        before = cpu_sample(pid)
        await asyncio.sleep(1.0)
        other = cpu_between(before, cpu_sample(pid))["other_pct"]
        waited = time.perf_counter() - began
        if other < OTHER_MAX or waited > 60 * minutes:
            return waited
        await asyncio.sleep(4.0)


async def undisturbed(pid: int, minutes: float, attempt: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """A run after a quiet second, again (at most ATTEMPTS in all) while others used > OTHER_MAX % during it."""
    waited = 0.0
    for tries in range(1, ATTEMPTS + 1):
        waited += await wait_quiet(pid, minutes)
        result = await attempt()
        other = result["cpu"]["other_pct"]
        if other <= OTHER_MAX or tries == ATTEMPTS:
            return result | {"attempts": tries, "waited_for_quiet_s": waited}
        console.print(f"[yellow]other processes used {other:.0f} % of a core during the run: measuring it again[/]")
    raise AssertionError("unreachable")
