"""Rebuilding the index while it answers: a new index filled from the entries, then swapped in (tantivy: a new
generation and CURRENT; Elasticsearch: a new index and the alias moved). Entries changed meanwhile are marked
again, so the indexer brings the new index up to date. One site alone is simply re-indexed in place."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select, update

from services.search.engines.base import IndexDoc
from services.search.models import Entry
from services.search.service.context import SearchDeps
from services.search.service.indexer import all_docs
from shared.clock import utcnow
from shared.errors import Conflict, NotFound
from shared.logs import get_logger

log = get_logger("search.rebuild")


@dataclass
class RebuildStatus:
    state: Literal["idle", "running", "done", "failed"] = "idle"
    site: str | None = None
    total: int = 0
    indexed: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    problem: str | None = None


@dataclass
class Rebuilder:
    deps: SearchDeps
    status: RebuildStatus = field(default_factory=RebuildStatus)
    _task: asyncio.Task[None] | None = None

    async def start(self, site_id: str | None) -> RebuildStatus:
        if self.status.state == "running":
            raise Conflict("正在重建索引，请等它完成 (a rebuild is running)")
        if site_id is not None and site_id not in self.deps.sites:
            raise NotFound(f"site: 平台上没有站点 {site_id}")
        self.status = RebuildStatus(
            state="running", site=site_id, started_at=utcnow(), total=await self._count(site_id)
        )
        self._task = asyncio.create_task(self._run(site_id), name="search-rebuild")
        return self.status

    async def wait(self) -> RebuildStatus:
        if self._task is not None:
            await self._task
        return self.status

    async def _count(self, site_id: str | None) -> int:
        query = select(func.count()).select_from(Entry)
        if site_id is not None:
            query = query.where(Entry.site_id == site_id)
        async with self.deps.platform_uow() as uow:
            return await uow.session.scalar(query) or 0

    async def _run(self, site_id: str | None) -> None:
        try:
            if site_id is None:
                await self.deps.engine.rebuild(self._counted(all_docs(self.deps)))
                await self._mark(Entry.updated_at >= self.status.started_at)
            else:
                await self._mark(Entry.site_id == site_id)
                self.status.indexed = self.status.total
            self.status.state = "done"
        except Exception as exc:
            log.exception("rebuild failed")
            self.status.state, self.status.problem = "failed", str(exc)[:300]
        finally:
            self.status.finished_at = utcnow()

    async def _counted(self, batches: AsyncIterator[list[IndexDoc]]) -> AsyncIterator[list[IndexDoc]]:
        async for docs in batches:
            yield docs
            self.status.indexed += len({doc.key for doc in docs})

    async def _mark(self, which) -> None:
        """Give these entries to the indexer again (changed during the rebuild, or the site's own)."""
        async with self.deps.platform_uow() as uow:
            await uow.session.execute(update(Entry).where(which).values(pending=True, updated_at=utcnow()))
            await uow.commit()
        self.deps.wake_indexer.set()
