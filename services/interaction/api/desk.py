"""The letters desk for handlers (letter_handler: the office; letter_handler:<unit>: one department), site
admins (mailboxes and settings) and platform operators (the holiday table, the single-veto overview)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response

from services.interaction.api.deps import Deps, DeskDep, IdPath, PageNo, PageSize, SitePath, UnitCode
from services.interaction.api.public import PREFIX
from services.interaction.schemas import (
    CalendarDay,
    CalendarYear,
    DeskSettingsRead,
    DeskSettingsWrite,
    HolidayWrite,
    LetterDetail,
    LetterSummary,
    OverdueLetter,
    Page,
    StepAction,
    StepRequest,
    TemplateRead,
    TemplateWrite,
    UnitRead,
    UnitWrite,
)
from services.interaction.service import calendar, handling, reading, setup, watch
from shared.web import CurrentPrincipal

router = APIRouter(prefix=PREFIX, tags=["interaction/desk"])
DESK = "/sites/{site_id}/desk"
NOT_FOUND = {404: {"description": "no such letter (or not with the caller's department)"}}


@router.get(DESK + "/letters", response_model=Page[LetterSummary], summary="The queue: by deadline, overdue first")
async def queue(
    deps: Deps,
    desk: DeskDep,
    queue: Literal["open", "answered", "rejected", "all"] = "open",
    q: Annotated[str | None, Query(max_length=100)] = None,
    page: PageNo = 1,
    size: PageSize = 20,
) -> Page[LetterSummary]:
    return await reading.letter_queue(deps, desk, queue=queue, q=q, page=page, size=size)


@router.get(DESK + "/letters/{letter_id}", response_model=LetterDetail, responses=NOT_FOUND,
            summary="A letter with its writer's contact, history, files and the steps the caller may take")  # fmt: skip
async def letter(deps: Deps, desk: DeskDep, letter_id: IdPath) -> LetterDetail:
    return await reading.detail_of(deps, desk, letter_id)


@router.post(DESK + "/letters/{letter_id}/{action}", response_model=LetterDetail, responses=NOT_FOUND,
             summary="Take a step: accept, reject, assign, clarify, resume, extend, draft, approve, …")  # fmt: skip
async def step(
    deps: Deps, desk: DeskDep, letter_id: IdPath, action: Annotated[StepAction, Path()], body: StepRequest
) -> LetterDetail:
    return await handling.take_step(deps, desk, letter_id, action, body)


@router.get(DESK + "/letters/{letter_id}/attachments/{attachment_id}", response_class=Response,
            responses=NOT_FOUND, summary="A file the writer attached")  # fmt: skip
async def attachment(deps: Deps, desk: DeskDep, letter_id: IdPath, attachment_id: IdPath) -> Response:
    name, kind, data = await reading.attachment_of(deps, desk, letter_id, attachment_id)
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=kind, headers={"content-disposition": disposition, "cache-control": "no-store"})


@router.get(DESK + "/units", response_model=list[UnitRead], summary="The site's mailboxes and departments")
async def units(deps: Deps, desk: DeskDep) -> list[UnitRead]:
    return await setup.list_units(deps, desk)


@router.put("/sites/{site_id}/units/{code}", response_model=UnitRead, summary="Open or change a mailbox/department")
async def put_unit(deps: Deps, principal: CurrentPrincipal, site_id: SitePath, code: UnitCode, body: UnitWrite):
    return await setup.put_unit(deps, principal, site_id, code, body)


@router.get(DESK + "/templates", response_model=list[TemplateRead], summary="Reply templates")
async def templates(deps: Deps, desk: DeskDep) -> list[TemplateRead]:
    return await setup.list_templates(deps, desk)


@router.post(DESK + "/templates", response_model=TemplateRead, status_code=201, summary="Add a reply template")
async def add_template(deps: Deps, desk: DeskDep, body: TemplateWrite) -> TemplateRead:
    return await setup.save_template(deps, desk, body)


@router.put(DESK + "/templates/{template_id}", response_model=TemplateRead, summary="Change a reply template")
async def put_template(deps: Deps, desk: DeskDep, template_id: IdPath, body: TemplateWrite) -> TemplateRead:
    return await setup.save_template(deps, desk, body, template_id)


@router.delete(DESK + "/templates/{template_id}", status_code=204, summary="Delete a reply template")
async def delete_template(deps: Deps, desk: DeskDep, template_id: IdPath) -> Response:
    await setup.delete_template(deps, desk, template_id)
    return Response(status_code=204)


@router.get("/sites/{site_id}/settings", response_model=DeskSettingsRead, summary="The site's desk settings")
async def settings(deps: Deps, desk: DeskDep, site_id: SitePath) -> DeskSettingsRead:
    return await setup.desk_settings(deps, site_id)


@router.put("/sites/{site_id}/settings", response_model=DeskSettingsRead, summary="CAPTCHA, words, alert address")
async def put_settings(deps: Deps, principal: CurrentPrincipal, site_id: SitePath, body: DeskSettingsWrite):
    return await setup.save_desk_settings(deps, principal, site_id, body)


@router.get("/overview/unanswered", response_model=list[OverdueLetter],
            summary="Valid letters unanswered for over three months (单项否决), every site's or one's")  # fmt: skip
async def unanswered(
    deps: Deps,
    principal: CurrentPrincipal,
    site: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9-]{1,39}$")] = None,
) -> list[OverdueLetter]:
    return await watch.unanswered(deps, principal, site)


@router.get("/calendar/{year}", response_model=CalendarYear, summary="The holiday table's entries of a year")
async def calendar_year(deps: Deps, year: Annotated[int, Path(ge=2000, le=2100)]) -> CalendarYear:
    return await calendar.calendar_year(deps, year)


@router.put("/calendar/days/{day}", response_model=CalendarDay, summary="Mark a day off or a make-up workday")
async def put_day(deps: Deps, principal: CurrentPrincipal, day: date, body: HolidayWrite) -> CalendarDay:
    return await calendar.put_holiday(deps, principal, day, body)


@router.delete("/calendar/days/{day}", status_code=204, summary="Remove a day from the holiday table")
async def delete_day(deps: Deps, principal: CurrentPrincipal, day: date) -> Response:
    await calendar.delete_holiday(deps, principal, day)
    return Response(status_code=204)
