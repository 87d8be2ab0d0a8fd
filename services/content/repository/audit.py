"""Queries of the content audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from services.content.models import AuditEntry
from services.content.repository.base import ALL_SITES, Queries


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What an audit search narrows to; None is any."""

    site_id: str | None = None
    actor: str | None = None
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def apply(self, stmt: Select) -> Select:
        columns = {
            AuditEntry.site_id: self.site_id,
            AuditEntry.actor: self.actor,
            AuditEntry.action: self.action,
            AuditEntry.entity: self.entity,
            AuditEntry.entity_id: self.entity_id,
        }
        for column, value in columns.items():
            if value is not None:
                stmt = stmt.where(column == value)
        if self.since is not None:
            stmt = stmt.where(AuditEntry.at >= self.since)
        if self.until is not None:
            stmt = stmt.where(AuditEntry.at < self.until)
        return stmt


class AuditQueries(Queries):
    """Audit entries, newest first: one site's (in its scope), or any site's for the platform's auditor."""

    async def audit_page(self, where: AuditFilter, page: int, size: int) -> tuple[list[AuditEntry], int]:
        stmt = where.apply(select(AuditEntry))
        if where.site_id is None:
            stmt = stmt.execution_options(**ALL_SITES)  # the auditor's platform-wide search
        total = await self._count(stmt)
        rows = await self._all(stmt.order_by(AuditEntry.id.desc()).offset((page - 1) * size).limit(size))
        return rows, total or 0
