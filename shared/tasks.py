"""Work a service does on its own every so often (schedules, housekeeping): no external cron to forget."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from shared.logs import get_logger

log = get_logger("shared.tasks")


class Periodic:
    """Runs `tick` now and then every `interval` seconds; a failing tick is logged and tried again next time."""

    def __init__(self, name: str, interval: float, tick: Callable[[], Awaitable[object]]) -> None:
        self.name, self.interval, self.tick = name, interval, tick
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception as exc:  # the service goes on; the next tick tries again
                log.error("periodic task failed", task=self.name, error=repr(exc), exc_info=exc)
            await asyncio.sleep(self.interval)
