"""Queries of the check dictionaries, the audit log and the per-site counters."""

from __future__ import annotations

import time

from sqlalchemy import bindparam, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.content.models import AuditEntry, Counter, PlatformCheckTerm, SiteCheckTerm
from services.content.repository.base import Queries


def _next_value(insert) -> object:
    stmt = insert(Counter).values(site_id=bindparam("site_id"), name=bindparam("name"), value=1)
    return stmt.on_conflict_do_update(
        index_elements=[Counter.site_id, Counter.name], set_={"value": Counter.value + 1}
    ).returning(Counter.value)


_NEXT_VALUE = {"postgresql": _next_value(pg_insert), "sqlite": _next_value(sqlite_insert)}


class RecordQueries(Queries):
    """Dictionaries, audit entries and counters."""

    async def check_terms(self, site_id: str) -> list[PlatformCheckTerm | SiteCheckTerm]:
        """Platform and site dictionaries; cached briefly, since every pre-publish check reads them."""
        cached = self.caches.terms.get(site_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        platform = await self._all(select(PlatformCheckTerm))
        own = await self._all(select(SiteCheckTerm).where(SiteCheckTerm.site_id == site_id))
        self.caches.terms[site_id] = (time.monotonic() + self.caches.terms_ttl, [*platform, *own])
        return self.caches.terms[site_id][1]

    def forget_terms(self) -> None:
        self.caches.terms.clear()

    async def platform_terms(self) -> list[PlatformCheckTerm]:
        return await self._all(select(PlatformCheckTerm).order_by(PlatformCheckTerm.kind, PlatformCheckTerm.term))

    async def site_terms(self, site_id: str) -> list[SiteCheckTerm]:
        stmt = select(SiteCheckTerm).where(SiteCheckTerm.site_id == site_id)
        return await self._all(stmt.order_by(SiteCheckTerm.kind, SiteCheckTerm.term))

    async def audit_page(
        self, site_id: str, *, entity: str | None, entity_id: str | None, page: int, size: int
    ) -> tuple[list[AuditEntry], int]:
        stmt = select(AuditEntry).where(AuditEntry.site_id == site_id)
        if entity:
            stmt = stmt.where(AuditEntry.entity == entity)
        if entity_id:
            stmt = stmt.where(AuditEntry.entity_id == entity_id)
        total = await self._count(stmt)
        rows = await self._all(stmt.order_by(AuditEntry.id.desc()).offset((page - 1) * size).limit(size))
        return rows, total or 0

    async def next_value(self, site_id: str, name: str) -> int:
        """Gap-free counter: one upsert that returns the new value (row-locked on PostgreSQL)."""
        stmt = _NEXT_VALUE[self.session.bind.dialect.name]
        return (await self.run(stmt, {"site_id": site_id, "name": name})).scalar_one()

    async def site_has(self, model: type, *conditions: object) -> bool:
        stmt = select(model).where(or_(*conditions) if len(conditions) > 1 else conditions[0]).limit(1)
        return await self.session.scalar(stmt) is not None
