"""What every query group shares: the session, the process caches, and the tenant-preserving count."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.uow import CoreRunner

ALL_SITES = {"all_sites": True}


@dataclass
class ContentCaches:
    """Per-process caches of rarely changing data, keyed so that they can never serve a stale answer
    (domains by site version) or only briefly (dictionaries, 10 s, and dropped here on every change)."""

    domains: dict[tuple[str, int], list[tuple[str, bool]]] = field(default_factory=dict)
    terms: dict[str, tuple[float, list]] = field(default_factory=dict)
    terms_ttl: float = 10.0
    topics: tuple[float, frozenset[str]] = (0.0, frozenset())  # the 主题分类 vocabulary, as briefly


class Queries:
    """ORM queries through the session; the hot paths' prebuilt Core statements through `run` (the unit of
    work's guarded connection)."""

    def __init__(self, session: AsyncSession, caches: ContentCaches, run: CoreRunner) -> None:
        self.session = session
        self.caches = caches
        self.run = run
        scope = session.info.get("tenant_scope")
        # The site of a site-scoped session: the value its prebuilt (site_bound) statements are given.
        self.site_id: str | None = scope.site_id if scope is not None else None

    async def _count(self, stmt: Select) -> int:
        """Rows the statement would return, under the same tenant options as the statement itself."""
        counted = select(func.count()).select_from(stmt.order_by(None).subquery())
        return await self.session.scalar(counted.execution_options(**stmt.get_execution_options())) or 0

    async def _all(self, stmt: Select) -> list:
        return list((await self.session.scalars(stmt)).all())
