"""Queries of the content audit log."""

from __future__ import annotations

from sqlalchemy import select

from services.content.models import AuditEntry
from services.content.repository.base import Queries


class AuditQueries(Queries):
    """A site's audit entries, newest first."""

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
