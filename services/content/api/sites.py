"""Sites and the public site directory."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status

from services.content.api.deps import CurrentActor, Deps, IdPath, SitePath
from services.content.schemas.sites import (
    DomainsUpdate,
    HostResolution,
    ReplayCounts,
    ReplayRequest,
    SiteChangeCreate,
    SiteChangeDecision,
    SiteChangeRead,
    SiteCreate,
    SiteDirectoryEntry,
    SiteOverview,
    SiteRead,
    SiteUpdate,
)
from services.content.service import site_changes
from services.content.service import sites as service
from services.content.service.overview import sites_overview
from services.content.service.replay import replay

router = APIRouter(tags=["sites"])


@router.get("/sites", response_model=list[SiteDirectoryEntry], summary="网站群导航: every online site (public)")
async def directory(
    deps: Deps,
    level: Literal["province", "city", "county", "department"] | None = None,
    parent_id: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9-]{1,39}$")] = None,
) -> list[SiteDirectoryEntry]:
    return await service.site_directory(deps, level=level, parent_id=parent_id)


@router.get(
    "/overview",
    response_model=list[SiteOverview],
    summary="Every site's documents, review backlog and last publication (platform operators)",
)
async def overview(deps: Deps, actor: CurrentActor) -> list[SiteOverview]:
    return await sites_overview(deps, actor)


@router.get("/hosts/{host}", response_model=HostResolution, summary="Which site answers on a host (public)")
async def resolve_host(deps: Deps, host: Annotated[str, Path(min_length=1, max_length=253)]) -> HostResolution:
    return await service.resolve_host(deps, host)


@router.post("/sites", response_model=SiteRead, status_code=status.HTTP_201_CREATED, summary="Open a site")
async def create_site(deps: Deps, actor: CurrentActor, body: SiteCreate) -> SiteRead:
    return await service.create_site(deps, actor, body)


@router.get("/sites/{site_id}", response_model=SiteRead)
async def get_site(deps: Deps, actor: CurrentActor, site_id: SitePath) -> SiteRead:
    return await service.get_site(deps, actor, site_id)


@router.patch("/sites/{site_id}", response_model=SiteRead)
async def update_site(deps: Deps, actor: CurrentActor, site_id: SitePath, body: SiteUpdate) -> SiteRead:
    return await service.update_site(deps, actor, site_id, body)


@router.put("/sites/{site_id}/domains", response_model=SiteRead, summary="Replace a site's host names")
async def set_domains(deps: Deps, actor: CurrentActor, site_id: SitePath, body: DomainsUpdate) -> SiteRead:
    return await service.set_domains(deps, actor, site_id, body)


@router.post(
    "/sites/{site_id}/changes",
    response_model=SiteChangeRead,
    status_code=status.HTTP_201_CREATED,
    summary="Ask to open, close (关停) or merge (整合) a site",
    responses={409: {"description": "the site is already in that state"}},
)
async def request_change(deps: Deps, actor: CurrentActor, site_id: SitePath, body: SiteChangeCreate) -> SiteChangeRead:
    """Carried out at once by an operator, unless the platform has another operator approve each change."""
    return await site_changes.request_change(deps, actor, site_id, body)


@router.get("/site-changes", response_model=list[SiteChangeRead], summary="Requests to open, close or merge sites")
async def list_changes(
    deps: Deps,
    actor: CurrentActor,
    site_id: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9-]{1,39}$")] = None,
    status: Literal["pending", "approved", "rejected"] | None = None,
) -> list[SiteChangeRead]:
    return await site_changes.list_changes(deps, actor, site_id=site_id, status=status)


@router.post("/site-changes/{change_id}/approve", response_model=SiteChangeRead, summary="Approve and carry out")
async def approve_change(
    deps: Deps, actor: CurrentActor, change_id: IdPath, body: SiteChangeDecision
) -> SiteChangeRead:
    return await site_changes.decide(deps, actor, change_id, body, approve=True)


@router.post("/site-changes/{change_id}/reject", response_model=SiteChangeRead, summary="Reject, with a comment")
async def reject_change(deps: Deps, actor: CurrentActor, change_id: IdPath, body: SiteChangeDecision) -> SiteChangeRead:
    return await site_changes.decide(deps, actor, change_id, body, approve=False)


@router.post(
    "/replay",
    response_model=ReplayCounts,
    summary="Announce every site, channel and public document again (consumers rebuild what they lost)",
    responses={404: {"description": "no such site"}},
)
async def replay_events(deps: Deps, actor: CurrentActor, body: ReplayRequest) -> ReplayCounts:
    return ReplayCounts(**await replay(deps, actor, body.site))
