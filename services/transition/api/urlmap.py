"""A target site's URL map: every legacy URL with its decision, decided by hand one at a time or as CSV."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from services.transition.api.deps import Deps, MigratorDep
from services.transition.api.jobs import PREFIX
from services.transition.schemas import Decision, LegacyUrlRead, UrlMapPage, UrlMapWritten
from services.transition.service import urlmap

router = APIRouter(prefix=f"{PREFIX}/sites/{{site_id}}/urlmap", tags=["transition/urlmap"])
State = Literal["staged", "imported", "refused", "mapped", "gone", "unmapped"]
Kind = Literal["document", "list", "file", "other"]
CSV_LIMIT = 20 * 2**20


@router.get("", response_model=UrlMapPage, summary="Legacy URLs and their decisions (filter: undecided ones)")
async def url_map(
    deps: Deps,
    who: MigratorDep,
    state: Annotated[list[State], Query()] = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    kind: Annotated[list[Kind], Query()] = [],  # noqa: B006
    job_id: Annotated[int | None, Query(ge=1)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> UrlMapPage:
    return await urlmap.url_map(deps, who, states=state, kinds=kind, job_id=job_id, after=offset, limit=limit)


@router.put("", response_model=LegacyUrlRead, summary="Decide one legacy URL: 301 to a page, or 410 (null target)")
async def decide(deps: Deps, who: MigratorDep, body: Decision) -> LegacyUrlRead:
    return await urlmap.decide(deps, who, body)


@router.get("/csv", summary="The whole URL map as CSV (旧地址,处理,新地址)", response_class=StreamingResponse)
async def export_csv(deps: Deps, who: MigratorDep) -> StreamingResponse:
    filename = f"urlmap-{who.site_id}.csv"
    return StreamingResponse(
        urlmap.csv_lines(deps, who),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@router.put("/csv", response_model=UrlMapWritten, summary="Decide many legacy URLs from a CSV (all or nothing)")
async def import_csv(deps: Deps, who: MigratorDep, request: Request) -> UrlMapWritten:
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("gb18030", errors="replace")  # Excel on a Chinese Windows saves CSV as GBK
    return await urlmap.apply_csv(deps, who, text)
