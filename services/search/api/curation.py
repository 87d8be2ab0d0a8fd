"""The editors' API: a site's (or the platform's) synonyms, best bets and Q&A pairs, and its analytics."""

# No `from __future__ import annotations` here: the routes are made in a loop and their body types must be
# real classes when FastAPI reads the signatures.

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from services.search.api.public import PREFIX, Deps
from services.search.models import PLATFORM_WIDE, BestBet, QaPair, Synonym
from services.search.schemas import (
    SITE_ID,
    BestBetCreate,
    BestBetRead,
    QaCreate,
    QaRead,
    SearchAnalytics,
    SiteSearchSettings,
    SynonymCreate,
    SynonymRead,
)
from services.search.service import curating, reports
from shared.clock import china_time, utcnow
from shared.web import CurrentPrincipal

router = APIRouter(prefix=PREFIX)
SitePath = Annotated[str, Path(pattern=SITE_ID, description="site id")]
RowId = Annotated[int, Path(ge=1, le=2**62, description="the entry's id")]
KINDS = {  # path segment → (table, what is written, what is read)
    "synonyms": (Synonym, SynonymCreate, SynonymRead),
    "best-bets": (BestBet, BestBetCreate, BestBetRead),
    "qa": (QaPair, QaCreate, QaRead),
}


def _routes(segment: str, model, create, read) -> None:
    """List, add and delete one kind of curated row, for a site and for the whole platform."""
    tag = ["search curation"]

    @router.get(f"/sites/{{site_id}}/{segment}", response_model=list[read], tags=tag, name=f"list_site_{segment}")
    async def list_site(deps: Deps, principal: CurrentPrincipal, site_id: SitePath):
        return await curating.list_rows(deps, principal, model, site_id)

    @router.post(
        f"/sites/{{site_id}}/{segment}", response_model=read, status_code=201, tags=tag, name=f"add_site_{segment}"
    )
    async def add_site(deps: Deps, principal: CurrentPrincipal, site_id: SitePath, body: create):  # type: ignore[valid-type]
        return await curating.add_row(deps, principal, model, site_id, body.model_dump())

    @router.delete(f"/sites/{{site_id}}/{segment}/{{row_id}}", status_code=204, tags=tag, name=f"delete_site_{segment}")
    async def delete_site(deps: Deps, principal: CurrentPrincipal, site_id: SitePath, row_id: RowId) -> Response:
        await curating.delete_row(deps, principal, model, site_id, row_id)
        return Response(status_code=204)

    @router.get(f"/platform/{segment}", response_model=list[read], tags=tag, name=f"list_platform_{segment}")
    async def list_platform(deps: Deps, principal: CurrentPrincipal):
        return await curating.list_rows(deps, principal, model, PLATFORM_WIDE)

    @router.post(f"/platform/{segment}", response_model=read, status_code=201, tags=tag, name=f"add_platform_{segment}")
    async def add_platform(deps: Deps, principal: CurrentPrincipal, body: create):  # type: ignore[valid-type]
        return await curating.add_row(deps, principal, model, PLATFORM_WIDE, body.model_dump())

    @router.delete(f"/platform/{segment}/{{row_id}}", status_code=204, tags=tag, name=f"delete_platform_{segment}")
    async def delete_platform(deps: Deps, principal: CurrentPrincipal, row_id: RowId) -> Response:
        await curating.delete_row(deps, principal, model, PLATFORM_WIDE, row_id)
        return Response(status_code=204)


for _segment, (_model, _create, _read) in KINDS.items():
    _routes(_segment, _model, _create, _read)


@router.get("/sites/{site_id}/analytics", response_model=SearchAnalytics, tags=["search analytics"])
async def analytics(
    deps: Deps,
    principal: CurrentPrincipal,
    site_id: SitePath,
    month: Annotated[
        str | None, Query(pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$", description="YYYY-MM (default: this month)")
    ] = None,
) -> SearchAnalytics:
    first = date.fromisoformat(f"{month}-01") if month else china_time(utcnow()).date().replace(day=1)
    return await reports.site_analytics(deps, principal, site_id, first)


@router.get("/sites/{site_id}/settings", response_model=SiteSearchSettings, tags=["search curation"])
async def get_settings(deps: Deps, principal: CurrentPrincipal, site_id: SitePath) -> SiteSearchSettings:
    return SiteSearchSettings(keep_withdrawn=await curating.site_settings(deps, principal, site_id))


@router.put("/sites/{site_id}/settings", response_model=SiteSearchSettings, tags=["search curation"])
async def put_settings(
    deps: Deps, principal: CurrentPrincipal, site_id: SitePath, body: SiteSearchSettings
) -> SiteSearchSettings:
    keep = await curating.set_keep_withdrawn(deps, principal, site_id, body.keep_withdrawn)
    return SiteSearchSettings(keep_withdrawn=keep)
