"""The search desk's entrance: the menu's entries go straight to the person's one site, or let them pick among the
sites they curate (a platform operator: every site, and the rows every site uses)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from services.console.api.deps import StaffDep, deps_of
from services.console.api.rendering import pages_of
from services.console.sections.search import analytics, curation
from services.console.sections.search.desk import CURATORS, PAGES
from services.console.service.sessions import Staff
from services.console.service.workspace import my_sites

router = APIRouter(prefix="/console/search", include_in_schema=False)
router.include_router(curation.router)
router.include_router(analytics.router)


@router.get("/")
async def sites(request: Request, staff: StaffDep) -> Response:
    return await _pick(request, staff, "synonyms")


@router.get("/{page}")
async def desk_of_my_site(
    request: Request, staff: StaffDep, page: Annotated[str, Path(pattern="^(synonyms|best-bets|qa|analytics)$")]
) -> Response:
    return await _pick(request, staff, page)


async def _pick(request: Request, staff: Staff, page: str) -> Response:
    """One site and no platform-wide role: straight there; otherwise the sites (and, for operators, 全平台)."""
    mine = await my_sites(deps_of(request), staff, CURATORS)
    operator = staff.principal.is_platform_operator()
    if len(mine) == 1 and not operator:
        return RedirectResponse(f"/console/search/{mine[0].id}/{page}", status_code=303)
    return pages_of(request).render(
        request,
        "search/sites.html",
        staff,
        sites=mine,
        page=page,
        title=PAGES[page],
        platform=operator and page != "analytics",
    )
