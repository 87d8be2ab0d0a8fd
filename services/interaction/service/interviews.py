"""在线访谈: scheduled with guests; visitors' questions collected before and during (shown once a moderator lets
them through); a live transcript visitors follow; archived with video and audio links and the transcript."""

from __future__ import annotations

from services.interaction.lifecycle import INTERVIEW_LABELS
from services.interaction.models import Interview, InterviewQuestion, TranscriptLine
from services.interaction.schemas import (
    Guest,
    InterviewRead,
    InterviewWrite,
    LineRead,
    LineWrite,
    QuestionCreate,
    QuestionRead,
)
from services.interaction.service.context import Desk, InteractionDeps, InteractionUnitOfWork
from services.interaction.service.participation import admit
from services.interaction.service.publicity import announce
from services.interaction.service.setup import require_office
from shared.errors import Conflict, NotFound

PATH = "/hdjl/ft/{id}.html"
SHOWN = ("visible", "answered")


def view(item: Interview, questions, lines) -> InterviewRead:  # noqa: ANN001 - rows of the item
    return InterviewRead(
        id=item.id, site_id=item.site_id, title=item.title, summary=item.summary,
        guests=[Guest.model_validate(g) for g in item.guests], starts_at=item.starts_at, status=item.status,
        status_label=INTERVIEW_LABELS[item.status], video_url=item.video_url, audio_url=item.audio_url,
        questions=[QuestionRead.model_validate(q) for q in questions],
        transcript=[LineRead.model_validate(line) for line in lines],
    )  # fmt: skip


async def _get(uow: InteractionUnitOfWork, item_id: int, *, lock: bool = False) -> Interview:
    item = await uow.repo.interview(item_id, for_update=lock)
    if item is None:
        raise NotFound(f"没有第 {item_id} 号访谈")
    return item


async def schedule_interview(deps: InteractionDeps, desk: Desk, data: InterviewWrite) -> InterviewRead:
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        values = data.model_dump() | {"guests": [g.model_dump() for g in data.guests]}
        item = Interview(site_id=desk.site_id, created_by=desk.actor, **values)
        uow.session.add(item)
        await uow.session.flush()
        await announce(uow, deps, "interview", item, PATH)
        await uow.commit()
        return view(item, [], [])


async def set_interview_status(deps: InteractionDeps, desk: Desk, item_id: int, status: str) -> InterviewRead:
    """scheduled → live → archived (the transcript stays; questions are no longer taken once archived)."""
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        item = await _get(uow, item_id, lock=True)
        order = ["scheduled", "live", "archived"]
        if order.index(status) != order.index(item.status) + 1:
            raise Conflict(f"访谈当前为{INTERVIEW_LABELS[item.status]}，不能改为{INTERVIEW_LABELS[status]}")
        item.status, item.version = status, item.version + 1
        await announce(uow, deps, "interview", item, PATH)
        await uow.commit()
    return await interview(deps, desk.site_id, item_id, desk=desk)


async def interviews(deps: InteractionDeps, site_id: str) -> list[InterviewRead]:
    async with deps.site_uow(site_id) as uow:
        return [view(item, [], []) for item in await uow.repo.interviews()]


async def interview(deps: InteractionDeps, site_id: str, item_id: int, desk: Desk | None = None) -> InterviewRead:
    """The interview with its transcript; the public sees questions let through, the desk all of them."""
    async with deps.site_uow(site_id) as uow:
        item = await _get(uow, item_id)
        questions = await uow.repo.questions(item.id, None if desk else SHOWN)
        return view(item, questions, await uow.repo.lines(item.id))


async def ask(deps: InteractionDeps, site_id: str, item_id: int, data: QuestionCreate, address: str) -> QuestionRead:
    async with deps.site_uow(site_id) as uow:
        item = await _get(uow, item_id)
        if item.status == "archived":
            raise Conflict("访谈已结束，不再接受提问", code="archived")
        hashed = await admit(uow, deps, site_id, address, data.website)
        question = InterviewQuestion(site_id=site_id, interview_id=item.id, name=data.name, body=data.body,
                                     client_hash=hashed, created_at=deps.now())  # fmt: skip
        uow.session.add(question)
        await uow.session.flush()
        await uow.commit()
        return QuestionRead.model_validate(question)


async def add_line(deps: InteractionDeps, desk: Desk, item_id: int, data: LineWrite) -> LineRead:
    """A line of the live transcript (a host's or a guest's words), perhaps answering a visitor's question."""
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        item = await _get(uow, item_id)
        if item.status == "scheduled":
            raise Conflict("访谈开始后才能记录文字实录", code="not_live")
        if data.question_id is not None:
            question = await uow.repo.question(data.question_id)
            if question is None or question.interview_id != item.id:
                raise NotFound(f"本访谈没有第 {data.question_id} 号提问")
            question.status = "answered"
        line = TranscriptLine(site_id=desk.site_id, interview_id=item.id, at=deps.now(), **data.model_dump())
        uow.session.add(line)
        await uow.session.flush()
        await uow.commit()
        return LineRead.model_validate(line)


async def lines_after(deps: InteractionDeps, site_id: str, item_id: int, after: int) -> list[LineRead]:
    """The transcript's lines after the one a visitor's page has (polling and server-sent events)."""
    async with deps.site_uow(site_id) as uow:
        await _get(uow, item_id)
        return [LineRead.model_validate(line) for line in await uow.repo.lines(item_id, after)]
