"""A job's rules tried on sample pages of the legacy site before they are saved (PATCH …/jobs/{id} saves them)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from services.transition.api.deps import Deps, JobPath, MigratorDep
from services.transition.api.jobs import PREFIX
from services.transition.schemas import RulesPreview, RulesPreviewIn, SampleUrl
from services.transition.service import rules

router = APIRouter(prefix=f"{PREFIX}/sites/{{site_id}}/jobs/{{job_id}}", tags=["transition/rules"])
REFUSED = {422: {"description": "a selector that is not CSS (named: rules.body …), or a URL off the legacy sites"}}


@router.get("/samples", response_model=list[SampleUrl], summary="Legacy pages worth trying rules on")
async def samples(deps: Deps, who: MigratorDep, job_id: JobPath) -> list[SampleUrl]:
    return await rules.samples(deps, who, job_id)


@router.post("/preview", response_model=RulesPreview, responses=REFUSED, summary="Rules tried on sample pages")
async def preview(
    deps: Deps, who: MigratorDep, job_id: JobPath, body: RulesPreviewIn, request: Request
) -> RulesPreview:
    transport = getattr(request.app.state, "legacy_transport", None)  # tests reach their legacy site off the network
    return await rules.preview(deps, who, job_id, body, transport)
