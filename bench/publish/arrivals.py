"""When each document's published event reached a consumer group of the bench's own (in-process, or inside
`bench.server` in http mode, where the stamps are wall-clock nanoseconds the load generator can compare)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from bench.publish import PUBLISHED
from shared.bus import Message


class Arrivals:
    def __init__(self, clock: Callable[[], float | int] = time.perf_counter) -> None:
        self.clock = clock
        self.received: dict[str, float | int] = {}
        self.sizes: list[int] = []
        self._changed = asyncio.Event()

    async def handle(self, message: Message) -> None:
        now = self.clock()
        if dict(message.headers).get("ce-type") != PUBLISHED:
            return
        if message.key not in self.received:
            self.received[message.key] = now
            self.sizes.append(len(message.value))
            self._changed.set()

    async def wait_until(self, arrived: Callable[[], bool], seconds: float) -> None:
        """Until `arrived()` holds or `seconds` passed, looking again whenever an event comes in."""
        deadline = time.monotonic() + seconds
        while not arrived():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.5))

    async def wait_for(self, keys: set[str], seconds: float) -> set[str]:
        """Wait until every key has arrived (or `seconds` passed); return the ones still missing."""
        await self.wait_until(lambda: keys <= self.received.keys(), seconds)
        return keys - self.received.keys()

    async def wait_count(self, count: int, seconds: float) -> int:
        await self.wait_until(lambda: len(self.received) >= count, seconds)
        return len(self.received)

    def mean_size(self) -> float:
        return sum(self.sizes) / len(self.sizes) if self.sizes else 0.0
