"""The content audit log of a site."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from services.content.api.deps import CurrentActor, Deps, PageNo, PageSize, SitePath
from services.content.schemas.audit import AuditEntryRead
from services.content.schemas.common import Page
from services.content.service import audit as audit_service

router = APIRouter(tags=["audit"])


Entity = Annotated[str | None, Query(pattern=r"^[a-z_]{1,30}$")]
EntityId = Annotated[str | None, Query(max_length=60)]


@router.get("/sites/{site_id}/audit", response_model=Page[AuditEntryRead], summary="A site's audit log")
async def audit_log(
    deps: Deps,
    actor: CurrentActor,
    site_id: SitePath,
    page: PageNo = 1,
    size: PageSize = 50,
    entity: Entity = None,
    entity_id: EntityId = None,
) -> Page[AuditEntryRead]:
    narrowed = {"entity": entity, "entity_id": entity_id}
    return await audit_service.audit_log(deps, actor, site_id=site_id, page=page, size=size, **narrowed)


@router.get("/audit", response_model=Page[AuditEntryRead], summary="Every site's audit log (the auditor's search)")
async def platform_audit_log(
    deps: Deps,
    actor: CurrentActor,
    page: PageNo = 1,
    size: PageSize = 50,
    site_id: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9-]{1,39}$|^platform$")] = None,
    who: Annotated[str | None, Query(max_length=80)] = None,
    action: Annotated[str | None, Query(pattern=r"^[a-z_.]{1,60}$")] = None,
    entity: Entity = None,
    entity_id: EntityId = None,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
) -> Page[AuditEntryRead]:
    narrowed = {
        "actor": who,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "since": since,
        "until": until,
    }
    return await audit_service.audit_log(deps, actor, site_id=site_id, page=page, size=size, **narrowed)
