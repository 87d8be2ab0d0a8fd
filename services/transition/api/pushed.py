"""A job the operator's machine pushes (a `wget -m` mirror, a WordPress or CMS export): its files, its pages or
records in batches, and the end of its reading. `sitegroup import-site <directory|file>` is the client."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request

from services.transition.api.deps import Deps, JobPath, MigratorDep
from services.transition.api.jobs import PREFIX, STATE
from services.transition.schemas import PagesPush, Pushed, PushedFileRead, RecordsPush
from services.transition.service import pushed

router = APIRouter(prefix=f"{PREFIX}/sites/{{site_id}}/jobs/{{job_id}}", tags=["transition/pushed"])
PUSH_LIMIT = 64 * 2**20  # a batch of pages or records (base64 makes a page a third larger)
TOO_LARGE = {413: {"description": "the file is larger than TRANSITION_MAX_FILE_BYTES"}}
LegacyUrl = Annotated[str, Query(min_length=8, max_length=1000, pattern=r"^https?://[^\s/]+", description="its URL")]


@router.post("/pages", response_model=Pushed, responses=STATE, summary="Push a batch of a mirror's pages (≤ 200)")
async def push_pages(deps: Deps, who: MigratorDep, job_id: JobPath, body: PagesPush) -> Pushed:
    return await pushed.push_pages(deps, who, job_id, body.pages)


@router.post("/records", response_model=Pushed, responses=STATE, summary="Push a batch of an export's records")
async def push_records(deps: Deps, who: MigratorDep, job_id: JobPath, body: RecordsPush) -> Pushed:
    return await pushed.push_records(deps, who, job_id, body.records)


@router.put(
    "/files", response_model=PushedFileRead, responses={**STATE, **TOO_LARGE}, summary="Push a legacy file's bytes"
)
async def put_file(
    deps: Deps,
    who: MigratorDep,
    job_id: JobPath,
    url: LegacyUrl,
    request: Request,
    content_type: Annotated[str | None, Header()] = None,
) -> PushedFileRead:
    return await pushed.put_file(deps, who, job_id, url, content_type, request.stream())


@router.post("/finish", response_model=Pushed, responses=STATE, summary="Reading done: import what was pushed")
async def finish(deps: Deps, who: MigratorDep, job_id: JobPath) -> Pushed:
    return await pushed.finish(deps, who, job_id)
