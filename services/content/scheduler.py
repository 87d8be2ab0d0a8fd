"""Scheduled publication and expiry run inside the service: no external cron to forget."""

from __future__ import annotations

import asyncio
import contextlib

from services.content.service.context import ContentDeps
from services.content.service.publishing import run_due_expiries, run_due_publications
from shared.logs import get_logger

log = get_logger("content.scheduler")


class Scheduler:
    def __init__(self, deps: ContentDeps, interval: float) -> None:
        self.deps = deps
        self.interval = interval
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="content:scheduler")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def tick(self) -> tuple[int, int]:
        return await run_due_publications(self.deps), await run_due_expiries(self.deps)

    async def _run(self) -> None:
        while True:
            try:
                published, expired = await self.tick()
                if published or expired:
                    log.info("schedules run", published=published, expired=expired)
            except Exception as exc:
                log.error("scheduler tick failed", error=repr(exc), exc_info=exc)
            await asyncio.sleep(self.interval)
