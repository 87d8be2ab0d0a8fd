"""Reading the audit log (writing it is part of every use case's transaction): a site's admin reads the site's,
the platform's auditor (审计管理员) reads every site's, and searches across them."""

from __future__ import annotations

from typing import Any

from services.content.repository.audit import AuditFilter
from services.content.schemas.audit import AuditEntryRead
from services.content.schemas.common import Page
from services.content.service.context import Actor, ContentDeps
from services.content.service.permissions import AUDITOR, SITE_ADMIN, has_site_role, is_auditor
from shared.errors import Forbidden


async def audit_log(
    deps: ContentDeps, reader: Actor, *, site_id: str | None, page: int, size: int, **narrowed: Any
) -> Page[AuditEntryRead]:
    """Entries of one site, or of every site (site_id None) for the auditor and platform operators; `narrowed` by
    actor, action, entity, entity_id, since, until."""
    if site_id is None:
        if not (is_auditor(reader) or reader.principal.is_platform_operator()):
            raise Forbidden(f"跨站点查询审计日志须具有 {AUDITOR} 角色", code="needs_role")
        scope = deps.platform_uow()
    else:
        if not (is_auditor(reader) or has_site_role(reader, site_id, (SITE_ADMIN,))):
            message = f"查看站点 {site_id} 的审计日志须具有 {SITE_ADMIN} 或 {AUDITOR} 角色"
            raise Forbidden(message, code="needs_role")
        scope = deps.site_uow(site_id)
    async with scope as uow:
        rows, total = await uow.repo.audit_page(AuditFilter(site_id=site_id, **narrowed), page, size)
        return Page(items=[AuditEntryRead.model_validate(r) for r in rows], total=total, page=page, size=size)
