"""在线访谈: visitors read the schedule, ask questions and follow the live transcript (polling or server-sent
events); the office schedules, goes live, writes the transcript and archives it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from services.interaction.api.deps import Deps, DeskDep, IdPath, SitePath, client_address
from services.interaction.api.public import PREFIX
from services.interaction.schemas import (
    InterviewRead,
    InterviewStatus,
    InterviewWrite,
    LineRead,
    LineWrite,
    QuestionCreate,
    QuestionRead,
)
from services.interaction.service import interviews as use

router = APIRouter(prefix=PREFIX, tags=["interaction/interviews"])
PUBLIC = "/sites/{site_id}/interviews"
DESK = "/sites/{site_id}/desk/interviews"
NOT_FOUND = {404: {"description": "no such interview on this site"}}
After = Annotated[int, Query(ge=0, le=2**53, description="the last line the page has")]
STREAM_SECONDS, STREAM_POLL = 300, 1.0  # a stream lasts five minutes (EventSource reconnects with Last-Event-ID)


@router.get(PUBLIC, response_model=list[InterviewRead], summary="A site's interviews: coming, live and archived")
async def listed(deps: Deps, site_id: SitePath) -> list[InterviewRead]:
    return await use.interviews(deps, site_id)


@router.get(PUBLIC + "/{item_id}", response_model=InterviewRead, responses=NOT_FOUND,
            summary="An interview with its guests, the questions let through and the transcript")  # fmt: skip
async def one(deps: Deps, site_id: SitePath, item_id: IdPath) -> InterviewRead:
    return await use.interview(deps, site_id, item_id)


@router.post(PUBLIC + "/{item_id}/questions", response_model=QuestionRead, status_code=201, responses=NOT_FOUND,
             summary="Ask the guests a question (shown once a moderator lets it through)")  # fmt: skip
async def ask(deps: Deps, site_id: SitePath, item_id: IdPath, body: QuestionCreate, request: Request) -> QuestionRead:
    return await use.ask(deps, site_id, item_id, body, client_address(request, deps))


@router.get(PUBLIC + "/{item_id}/transcript", response_model=list[LineRead], responses=NOT_FOUND,
            summary="The transcript's lines after `after` (polling)")  # fmt: skip
async def transcript(deps: Deps, site_id: SitePath, item_id: IdPath, after: After = 0) -> list[LineRead]:
    return await use.lines_after(deps, site_id, item_id, after)


@router.get(PUBLIC + "/{item_id}/transcript/stream", responses=NOT_FOUND, response_class=StreamingResponse,
            summary="The transcript as server-sent events, each line once as it is written")  # fmt: skip
async def stream(
    deps: Deps,
    site_id: SitePath,
    item_id: IdPath,
    request: Request,
    after: After = 0,
    seconds: Annotated[float, Query(ge=0.5, le=STREAM_SECONDS, description="how long the stream stays")] = 300,
):
    last = (
        int(request.headers.get("last-event-id", "0") or 0)
        if request.headers.get("last-event-id", "").isdigit()
        else after
    )
    await use.lines_after(deps, site_id, item_id, last)  # 404 before the stream starts

    async def events() -> AsyncIterator[str]:
        seen, waited = last, 0.0
        while waited < seconds and not await request.is_disconnected():
            for line in await use.lines_after(deps, site_id, item_id, seen):
                seen = line.id
                data = json.dumps(line.model_dump(mode="json"), ensure_ascii=False)
                yield f"id: {line.id}\nevent: line\ndata: {data}\n\n"
            await asyncio.sleep(STREAM_POLL)
            waited += STREAM_POLL

    headers = {"cache-control": "no-store", "x-accel-buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)


@router.post(DESK, response_model=InterviewRead, status_code=201, summary="Schedule an interview with its guests")
async def schedule(deps: Deps, desk: DeskDep, body: InterviewWrite) -> InterviewRead:
    return await use.schedule_interview(deps, desk, body)


@router.get(DESK + "/{item_id}", response_model=InterviewRead, summary="The interview with every question")
async def desk_one(deps: Deps, desk: DeskDep, item_id: IdPath) -> InterviewRead:
    return await use.interview(deps, desk.site_id, item_id, desk=desk)


@router.post(DESK + "/{item_id}/status", response_model=InterviewRead, summary="Go live, or archive it")
async def status(deps: Deps, desk: DeskDep, item_id: IdPath, body: InterviewStatus) -> InterviewRead:
    return await use.set_interview_status(deps, desk, item_id, body.status)


@router.post(DESK + "/{item_id}/transcript", response_model=LineRead, status_code=201,
             summary="A line of the transcript (perhaps answering a visitor's question)")  # fmt: skip
async def line(deps: Deps, desk: DeskDep, item_id: IdPath, body: LineWrite) -> LineRead:
    return await use.add_line(deps, desk, item_id, body)
