"""Reading the audit log (writing it is part of every use case's transaction)."""

from __future__ import annotations

from services.content.schemas.audit import AuditEntryRead
from services.content.schemas.common import Page
from services.content.service.context import Actor, ContentDeps
from services.content.service.permissions import require_site_admin


async def audit_log(
    deps: ContentDeps, actor: Actor, site_id: str, *, entity: str | None, entity_id: str | None, page: int, size: int
) -> Page[AuditEntryRead]:
    require_site_admin(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        rows, total = await uow.repo.audit_page(site_id, entity=entity, entity_id=entity_id, page=page, size=size)
        return Page(items=[AuditEntryRead.model_validate(r) for r in rows], total=total, page=page, size=size)
