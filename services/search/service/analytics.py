"""What the public searched: queries are buffered and written in batches (a search never waits on a write)."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.search.models import QueryLog
from shared.clock import utcnow
from shared.db.engine import Database
from shared.db.uow import UnitOfWork
from shared.logs import get_logger
from shared.tasks import Periodic
from shared.tenancy import PLATFORM

log = get_logger("search.analytics")
FLUSH_SECONDS = 2.0
BUFFER_LIMIT = 10_000  # beyond this (the database away for long) the oldest unwritten queries are dropped


@dataclass
class QueryRecorder:
    database: Database
    _buffer: list[dict] = field(default_factory=list)
    _periodic: Periodic = field(init=False)

    def __post_init__(self) -> None:
        self._periodic = Periodic("search-query-log", FLUSH_SECONDS, self.flush)

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
        await self._periodic.start()

    async def stop(self) -> None:
        await self._periodic.stop()
        await self.flush()
