"""The audit log as the auditor (审计管理员) reads it: searched by who, what and when, exported as CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import select

from services.identity.models import AuditRecord
from services.identity.service.context import IdentityDeps
from services.identity.service.roles import AUDITOR, require
from shared.auth import Principal
from shared.clock import china_time

EXPORT_LIMIT = 100_000


async def search_audit(
    deps: IdentityDeps,
    actor: Principal,
    *,
    who: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditRecord]:
    """Only the auditor reads the log; nobody writes to it but the actions themselves."""
    require(actor, AUDITOR)
    query = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit).offset(offset)
    if who:
        query = query.where(AuditRecord.actor == who)
    if action:
        query = query.where(AuditRecord.action.startswith(action))
    if since:
        query = query.where(AuditRecord.at >= since)
    if until:
        query = query.where(AuditRecord.at < until)
    async with deps.uow() as uow:
        return list(await uow.session.scalars(query))


def audit_csv(records: list[AuditRecord]) -> str:
    """UTF-8 with a BOM, so that Excel on a Chinese Windows opens it with the characters intact."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["时间", "操作人", "操作", "对象", "站点", "IP", "详情"])
    for r in records:
        when = china_time(r.at).strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow([when, r.actor, r.action, r.target or "", r.site_id or "", r.ip or "", r.detail or ""])
    return out.getvalue()
