"""网上调查: the public answers once and may see live results; the office prepares, opens, closes and exports."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Request, Response
from openpyxl import Workbook

from services.interaction.api.deps import Deps, DeskDep, IdPath, SitePath, Writer, client_address
from services.interaction.api.public import PREFIX
from services.interaction.schemas import ResponseCreate, SurveyRead, SurveyResults, SurveyStatus, SurveyWrite
from services.interaction.service import surveys as use

router = APIRouter(prefix=PREFIX, tags=["interaction/surveys"])
PUBLIC = "/sites/{site_id}/surveys"
DESK = "/sites/{site_id}/desk/surveys"
NOT_FOUND = {404: {"description": "no such survey on this site"}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(PUBLIC, response_model=list[SurveyRead], summary="A site's surveys, newest first")
async def listed(deps: Deps, site_id: SitePath) -> list[SurveyRead]:
    return await use.surveys(deps, site_id, public=True)


@router.get(PUBLIC + "/{item_id}", response_model=SurveyRead, responses=NOT_FOUND, summary="A survey's questions")
async def one(deps: Deps, site_id: SitePath, item_id: IdPath) -> SurveyRead:
    return await use.survey(deps, site_id, item_id)


@router.post(PUBLIC + "/{item_id}/responses", response_model=SurveyRead, status_code=201, responses=NOT_FOUND,
             summary="Answer the survey (once per person)")  # fmt: skip
async def respond(
    deps: Deps, site_id: SitePath, item_id: IdPath, body: ResponseCreate, request: Request, writer: Writer
) -> SurveyRead:
    address = client_address(request, deps)
    return await use.respond(deps, site_id, item_id, body, address=address, writer=writer)


@router.get(PUBLIC + "/{item_id}/results", response_model=SurveyResults, responses=NOT_FOUND,
            summary="Counts per option: live where the site allows it, else once the survey is over")  # fmt: skip
async def results(deps: Deps, site_id: SitePath, item_id: IdPath) -> SurveyResults:
    return await use.results(deps, site_id, item_id)


@router.get(DESK, response_model=list[SurveyRead], summary="Every survey of the site, drafts too")
async def desk_listed(deps: Deps, desk: DeskDep) -> list[SurveyRead]:
    return await use.surveys(deps, desk.site_id, public=False)


@router.post(DESK, response_model=SurveyRead, status_code=201, summary="Prepare a survey (a draft)")
async def create(deps: Deps, desk: DeskDep, body: SurveyWrite) -> SurveyRead:
    return await use.create_survey(deps, desk, body)


@router.post(DESK + "/{item_id}/status", response_model=SurveyRead, summary="Open it, or close it early")
async def status(deps: Deps, desk: DeskDep, item_id: IdPath, body: SurveyStatus) -> SurveyRead:
    return await use.set_survey_status(deps, desk, item_id, body.status)


@router.get(DESK + "/{item_id}/results", response_model=SurveyResults, summary="Counts per option, at any time")
async def desk_results(deps: Deps, desk: DeskDep, item_id: IdPath) -> SurveyResults:
    return await use.results(deps, desk.site_id, item_id, desk)


@router.get(DESK + "/{item_id}/export.csv", response_class=Response, summary="Every answer as CSV (UTF-8 with BOM)")
async def export_csv(deps: Deps, desk: DeskDep, item_id: IdPath) -> Response:
    heading, rows = await use.answers_table(deps, desk, item_id)
    out = io.StringIO()
    csv.writer(out).writerows([heading, *rows])
    headers = {"content-disposition": f'attachment; filename="survey-{item_id}.csv"'}
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get(DESK + "/{item_id}/export.xlsx", response_class=Response, summary="Every answer as an Excel workbook")
async def export_xlsx(deps: Deps, desk: DeskDep, item_id: IdPath) -> Response:
    heading, rows = await use.answers_table(deps, desk, item_id)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("答卷")
    for row in [heading, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    headers = {"content-disposition": f'attachment; filename="survey-{item_id}.xlsx"'}
    return Response(out.getvalue(), media_type=XLSX, headers=headers)
