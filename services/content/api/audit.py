"""The content audit log of a site."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.content.api.deps import CurrentActor, Deps, PageNo, PageSize, SitePath
from services.content.schemas.audit import AuditEntryRead
from services.content.schemas.common import Page
from services.content.service import audit as audit_service

router = APIRouter(tags=["audit"])


@router.get("/sites/{site_id}/audit", response_model=Page[AuditEntryRead])
async def audit_log(
    deps: Deps,
    actor: CurrentActor,
    site_id: SitePath,
    page: PageNo = 1,
    size: PageSize = 50,
    entity: Annotated[str | None, Query(pattern=r"^[a-z_]{1,30}$")] = None,
    entity_id: Annotated[str | None, Query(max_length=60)] = None,
) -> Page[AuditEntryRead]:
    return await audit_service.audit_log(deps, actor, site_id, entity=entity, entity_id=entity_id, page=page, size=size)
