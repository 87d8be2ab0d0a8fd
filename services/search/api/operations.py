"""Platform operators' API: rebuild the index while it answers, and follow the rebuild."""

from __future__ import annotations

from fastapi import APIRouter, Request

from services.search.api.public import PREFIX
from services.search.schemas import RebuildRead, RebuildRequest
from services.search.service.rebuild import Rebuilder
from shared.auth import Principal
from shared.errors import Forbidden
from shared.web import CurrentPrincipal

router = APIRouter(prefix=PREFIX, tags=["search operations"])


def _rebuilder(request: Request, principal: Principal) -> Rebuilder:
    if not principal.is_platform_operator():
        raise Forbidden("只有平台运营人员可以重建搜索索引", code="needs_role")
    return request.app.state.rebuilder


@router.post(
    "/reindex",
    response_model=RebuildRead,
    status_code=202,
    summary="Rebuild the index (new + swap)",
    responses={404: {"description": "no such site"}, 409: {"description": "a rebuild is running"}},
)
async def reindex(request: Request, principal: CurrentPrincipal, body: RebuildRequest) -> RebuildRead:
    return RebuildRead.model_validate(await _rebuilder(request, principal).start(body.site))


@router.get("/reindex", response_model=RebuildRead, summary="How the last rebuild went")
async def reindex_status(request: Request, principal: CurrentPrincipal) -> RebuildRead:
    return RebuildRead.model_validate(_rebuilder(request, principal).status)
