"""Counting every API call and download (per day, dataset and key) without a write per request: counts gather
in memory and a worker adds them to the usage table every few seconds, and once more when the service stops."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import date

from shared.logs import get_logger

log = get_logger("opendata.usage")
UsageKey = tuple[date, str, str, str, str, str]  # day, dataset, key ('' without one), kind (api|download), site, owner


class UsageCounter:
    def __init__(self) -> None:
        self._counts: Counter[UsageKey] = Counter()

    def add(self, day: date, dataset_id: str, site_id: str, key_id: str, kind: str, owner_id: str = "") -> None:
        self._counts[(day, dataset_id, key_id, kind, site_id, owner_id)] += 1

    def take(self) -> Counter[UsageKey]:
        counts, self._counts = self._counts, Counter()
        return counts

    def give_back(self, counts: Counter[UsageKey]) -> None:
        """A write that failed: its counts wait for the next one instead of being lost."""
        self._counts.update(counts)


class UsageFlusher:
    """The worker that writes the counter's counts through `write` (a use case owning its transaction)."""

    def __init__(self, counter: UsageCounter, write: Callable[[Counter[UsageKey]], Awaitable[None]], every: float):
        self.counter, self.write, self.every = counter, write, every
        self._task: asyncio.Task | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="opendata-usage")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            await self._task
        await self.flush()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.every)
            await self.flush()

    async def flush(self) -> None:
        counts = self.counter.take()
        if not counts:
            return
        try:
            await self.write(counts)
        except Exception:  # noqa: BLE001 - counted again next time; the service goes on
            log.exception("usage_flush_failed", keys=len(counts))
            self.counter.give_back(counts)
