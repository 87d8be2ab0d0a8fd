"""The load: C walkers on core 1, each on its own keep-alive connection (bench.rawhttp), in a closed loop for a
fixed time — each sends its next request when its last is answered. A walker either takes paths in turn from a
shared cycle (query (a)'s filter values, deep offsets) or follows a keyset chain (each page's token makes its next
request). Every answer must be 200; keyset pages, and every 10th answer of the others, must hold 100 records."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bench.common import percentile
from bench.opendata import PAGE
from bench.opendata.stream import Connection
from bench.processes import cpu_between, cpu_sample
from bench.publish.http import ServerProcess
from bench.rawhttp import RawHttpError, raw_request

CHECK_EVERY = 10
TIMEOUT = 120.0

Pages = Callable[[bytes], tuple[list[int], str | None]]


class Cycle:
    """Paths in turn from a cycle shared by all walkers; every CHECK_EVERY-th answer counted."""

    def __init__(self, paths: Iterator[str], page: Pages) -> None:
        self.paths, self.page, self.answered = paths, page, 0

    def path(self) -> str:
        return next(self.paths)

    def answer(self, body: bytes) -> str | None:
        self.answered += 1
        if self.answered % CHECK_EVERY:
            return None
        found = len(self.page(body)[0])
        return None if found == PAGE else f"{found} records instead of {PAGE}"


class Walk:
    """One keyset chain from a deep start: each answer's token is the next request."""

    def __init__(self, make_path: Callable[[str], str], first: str, page: Pages) -> None:
        self.make_path, self.first, self.token, self.page = make_path, first, first, page

    def path(self) -> str:
        return self.make_path(self.token)

    def answer(self, body: bytes) -> str | None:
        """A full page and a token, or the table's end (no token, or an empty page): back to the start."""
        ids, token = self.page(body)
        self.token = token if token and ids else self.first
        return None if len(ids) in (PAGE, 0) or not token else f"keyset page of {len(ids)} records, then a token"


def cycling(paths: list[str], page: Pages, walkers: int) -> list[Cycle]:
    """Walkers sharing one cycle of paths."""
    shared = itertools.cycle(paths)
    return [Cycle(shared, page) for _ in range(walkers)]


@dataclass
class Tally:
    """What the walkers of one run saw."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    bytes: int = 0
    last: float = 0.0


async def drive(connection: Connection, walker: Any, deadline: float, tally: Tally) -> None:
    """One walker until the deadline (its last request is answered after it); an error ends the walker."""
    while time.perf_counter() < deadline:
        path = walker.path()
        began = time.perf_counter()
        try:
            status, body = await asyncio.wait_for(connection.exchange(raw_request("GET", path, {})), TIMEOUT)
        except (OSError, RawHttpError, asyncio.IncompleteReadError, TimeoutError) as exc:
            tally.errors.append(f"{path[:120]}: {exc!r}")
            return
        tally.last = time.perf_counter()
        tally.latencies.append(tally.last - began)
        tally.bytes += len(body)
        problem = f"{status}: {body[:200]!r}" if status != 200 else walker.answer(body)
        if problem:
            tally.errors.append(f"{path[:120]}: {problem}")


async def closed_loop(server: ServerProcess, walkers: list[Any], seconds: float) -> dict[str, Any]:
    """All walkers for `seconds`, the server's CPU read around them; requests/s over first send → last answer."""
    connections = [await Connection.open(server.port) for _ in walkers]
    tally = Tally()
    try:
        before = cpu_sample(server.process.pid)
        began = time.perf_counter()
        deadline = began + seconds
        await asyncio.gather(*(drive(c, w, deadline, tally) for c, w in zip(connections, walkers, strict=True)))
        after = cpu_sample(server.process.pid)
    finally:
        for connection in connections:
            await connection.close()
    wall = max(tally.last, began) - began
    return figures(tally, wall) | {"connections": len(walkers), "cpu": cpu_between(before, after)}


def figures(tally: Tally, wall: float) -> dict[str, Any]:
    """requests/s and latency (ms) of what was answered; errors counted, the first few kept."""
    ms = [1000 * s for s in tally.latencies]
    count = len(ms)
    latency = {"p50": percentile(ms, 50), "p90": percentile(ms, 90), "p99": percentile(ms, 99)}
    latency |= {"max": max(ms, default=float("nan")), "mean": sum(ms) / count if count else float("nan")}
    return {
        "requests": count,
        "seconds": wall,
        "requests_per_s": count / wall if wall else 0.0,
        "latency_ms": latency,
        "errors": len(tally.errors),
        "error_samples": tally.errors[:5],
        "bytes_per_answer": tally.bytes / count if count else 0,
    }


async def measure(server: ServerProcess, make: Callable[[], list[Any]], seconds: float, warmup: float) -> dict:
    """A warm-up (not counted, but its errors are), then the measured run with fresh walkers."""
    warm = await closed_loop(server, make(), warmup) if warmup > 0 else {"errors": 0, "error_samples": []}
    result = await closed_loop(server, make(), seconds)
    result["warmup_errors"] = warm["errors"]
    result["error_samples"] = warm["error_samples"][:2] + result["error_samples"]
    return result
