"""Scheduled publication and expiry run inside the service: no external cron to forget."""

from __future__ import annotations

from services.content.service.context import ContentDeps
from services.content.service.publishing import run_due_expiries, run_due_publications
from shared.logs import get_logger
from shared.tasks import Periodic

log = get_logger("content.scheduler")


class Scheduler(Periodic):
    def __init__(self, deps: ContentDeps, interval: float) -> None:
        super().__init__("content:scheduler", interval, self.tick)
        self.deps = deps

    async def tick(self) -> tuple[int, int]:
        published, expired = await run_due_publications(self.deps), await run_due_expiries(self.deps)
        if published or expired:
            log.info("schedules run", published=published, expired=expired)
        return published, expired
