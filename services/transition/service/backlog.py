"""The crawl waits for the import when it runs too far ahead.

A legacy site on a fast link (or a mirror on disk) is read faster than the content library imports: what was staged
waits in the database, and the import's batches, the renderer's and search's grow with it. A 19,000-document backlog
when a 100,000-page crawl ended took the platform's heap from 400 to 560 MB, with one core idle while the import
caught up. The crawl now pauses while more than `import_backlog` documents wait, so the backlog does not grow with
the site.
"""

from __future__ import annotations

import asyncio
import contextlib

from services.transition.service.context import TransitionDeps

CHECK_SECONDS = 0.5  # how often the backlog is counted again while the crawl waits


class ImportBacklog:
    def __init__(self, deps: TransitionDeps, job_id: int, cancel: asyncio.Event | None = None) -> None:
        self.deps, self.job_id, self.cancel = deps, job_id, cancel or asyncio.Event()
        self.waited = 0.0  # seconds the crawl spent waiting, for the job's log

    async def wait(self) -> None:
        """Return at once while the import keeps up (counted after each staged batch: an index range count of at
        most a few thousand entries); else once it has caught up to half the limit, or the job is cancelled."""
        loop, limit = asyncio.get_running_loop(), self.deps.settings.import_backlog
        if await self.waiting() <= limit:
            return
        began = loop.time()
        while not self.cancel.is_set() and await self.waiting() > limit // 2:
            with contextlib.suppress(TimeoutError):  # not wait_for: on 3.11 it can swallow a cancellation
                async with asyncio.timeout(CHECK_SECONDS):
                    await self.cancel.wait()
        self.waited += loop.time() - began

    async def waiting(self) -> int:
        """Staged documents of the job the content library has not answered yet."""
        async with self.deps.platform_uow() as uow:
            return await uow.repo.staged_count(self.job_id)
