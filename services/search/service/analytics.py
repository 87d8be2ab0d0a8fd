"""What the public searched: queries are buffered and written in batches (a search never waits on a write)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import datetime

from services.search.models import QueryLog
from shared.clock import utcnow
from shared.db.engine import Database
from shared.db.uow import UnitOfWork
from shared.logs import get_logger
from shared.tenancy import PLATFORM

log = get_logger("search.analytics")
FLUSH_SECONDS = 2.0
BUFFER_LIMIT = 10_000  # beyond this (the database away for long) the oldest unwritten queries are dropped


@dataclass
class QueryRecorder:
    database: Database
    _buffer: list[dict] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    def record(self, site_id: str, query: str, scope: str, results: int, corrected: str | None) -> None:
        if len(self._buffer) >= BUFFER_LIMIT:
            del self._buffer[0]
        self._buffer.append(
            {
                "site_id": site_id,
                "query": query[:100],
                "scope": scope,
                "results": results,
                "corrected": corrected,
                "at": utcnow(),
            }
        )

    async def flush(self) -> int:
        rows, self._buffer = self._buffer, []
        if not rows:
            return 0
        try:
            async with UnitOfWork(self.database, scope=PLATFORM) as uow:
                for row in rows:
                    uow.record(QueryLog, **row)
                await uow.commit()
        except Exception:
            log.exception("query log not written; kept for the next flush")
            self._buffer[:0] = rows
            return 0
        return len(rows)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="search-query-log")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            await self.flush()


def month_start(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
