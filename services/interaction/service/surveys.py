"""网上调查: questions of five kinds open over a period, one answer per person (by account, or a tolerant mark of the
device and address), live results where the site allows, and the answers exported as CSV or XLSX."""

from __future__ import annotations

import hashlib

from sqlalchemy.exc import IntegrityError

from services.interaction.lifecycle import phase
from services.interaction.models import Survey, SurveyResponse
from services.interaction.schemas import Question, ResponseCreate, SurveyRead, SurveyResults, SurveyWrite
from services.interaction.service.context import BEIJING, Desk, InteractionDeps, InteractionUnitOfWork
from services.interaction.service.participation import admit
from services.interaction.service.publicity import announce
from services.interaction.service.setup import require_office
from services.interaction.tally import check_answers, tally
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, NotFound

PATH = "/hdjl/dc/{id}.html"


def view(item: Survey, deps: InteractionDeps, responses: int) -> SurveyRead:
    status, label, accepting = phase(item.status, item.opens_at, item.closes_at, deps.now())
    return SurveyRead(
        id=item.id, site_id=item.site_id, title=item.title, intro=item.intro,
        questions=[Question.model_validate(q) for q in item.questions], opens_at=item.opens_at,
        closes_at=item.closes_at, status=status, status_label=label, accepting=accepting,
        live_results=item.live_results, responses=responses,
    )  # fmt: skip


async def _get(uow: InteractionUnitOfWork, item_id: int, *, public: bool, lock: bool = False) -> Survey:
    item = await uow.repo.survey(item_id, for_update=lock)
    if item is None or (public and item.status == "draft"):
        raise NotFound(f"没有第 {item_id} 号调查")
    return item


async def create_survey(deps: InteractionDeps, desk: Desk, data: SurveyWrite) -> SurveyRead:
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        values = data.model_dump() | {"questions": [q.model_dump() for q in data.questions]}
        item = Survey(site_id=desk.site_id, created_by=desk.actor, **values)
        uow.session.add(item)
        await uow.session.flush()
        await uow.commit()
        return view(item, deps, 0)


async def set_survey_status(deps: InteractionDeps, desk: Desk, item_id: int, status: str) -> SurveyRead:
    """Open a draft, or close an open survey before its time."""
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        item = await _get(uow, item_id, public=False, lock=True)
        allowed = {"open": "draft", "closed": "open"}
        if allowed.get(status) != item.status:
            raise Conflict(f"调查当前为 {item.status}，不能改为 {status}", code="wrong_status")
        item.status, item.version = status, item.version + 1
        await announce(uow, deps, "survey", item, PATH)
        count = (await uow.repo.response_counts([item.id])).get(item.id, 0)
        await uow.commit()
        return view(item, deps, count)


async def surveys(deps: InteractionDeps, site_id: str, *, public: bool) -> list[SurveyRead]:
    async with deps.site_uow(site_id) as uow:
        found = await uow.repo.surveys(public=public)
        counts = await uow.repo.response_counts([s.id for s in found])
        return [view(s, deps, counts.get(s.id, 0)) for s in found]


async def survey(deps: InteractionDeps, site_id: str, item_id: int) -> SurveyRead:
    async with deps.site_uow(site_id) as uow:
        item = await _get(uow, item_id, public=True)
        return view(item, deps, (await uow.repo.response_counts([item.id])).get(item.id, 0))


def respondent_of(deps: InteractionDeps, writer: Principal | None, device: str | None, address: str) -> str:
    """One answer per person: the account if signed in, else the page's device mark, else the address."""
    who = f"account:{writer.subject}" if writer else (f"device:{device}" if device else f"address:{address}")
    return hashlib.sha256(deps.settings.secret.get_secret_value().encode() + b"\0" + who.encode()).hexdigest()


async def respond(
    deps: InteractionDeps, site_id: str, item_id: int, data: ResponseCreate, *, address: str, writer: Principal | None
) -> SurveyRead:
    async with deps.site_uow(site_id) as uow:
        item = await _get(uow, item_id, public=True)
        if not phase(item.status, item.opens_at, item.closes_at, deps.now())[2]:
            raise Conflict("本次调查不在进行中", code="not_open")
        await admit(uow, deps, site_id, address, data.website)
        answers = check_answers([Question.model_validate(q) for q in item.questions], data.answers)
        respondent = respondent_of(deps, writer, data.device, address)
        if await uow.repo.responded(item.id, respondent):
            raise Conflict("您已参与过本次调查，感谢您的支持", code="already_answered")
        uow.session.add(SurveyResponse(site_id=site_id, survey_id=item.id, respondent=respondent, answers=answers))
        try:
            await uow.commit()
        except IntegrityError:  # the same person twice at the same moment: the unique key keeps one
            raise Conflict("您已参与过本次调查，感谢您的支持", code="already_answered") from None
    return await survey(deps, site_id, item_id)


async def results(deps: InteractionDeps, site_id: str, item_id: int, desk: Desk | None = None) -> SurveyResults:
    """Counts per option (the desk always; the public while live results are allowed, or once it is over)."""
    async with deps.site_uow(site_id) as uow:
        item = await _get(uow, item_id, public=desk is None)
        status = phase(item.status, item.opens_at, item.closes_at, deps.now())[0]
        if desk is None and not (item.live_results or status == "closed"):
            raise Forbidden("本次调查结束后公布结果", code="results_later")
        responses = [r.answers for r in await uow.repo.responses(item.id)]
    questions = [Question.model_validate(q) for q in item.questions]
    return SurveyResults(survey_id=item.id, responses=len(responses), questions=tally(questions, responses))


async def answers_table(deps: InteractionDeps, desk: Desk, item_id: int) -> tuple[list[str], list[list[str]]]:
    """Every response as a row (the desk's export): the heading, then one row per respondent."""
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        item = await _get(uow, item_id, public=False)
        responses = await uow.repo.responses(item.id)
    questions = [Question.model_validate(q) for q in item.questions]
    heading = ["序号", "提交时间（北京时间）", *(q.text for q in questions)]
    rows = [
        [str(n), f"{r.created_at.astimezone(BEIJING):%Y-%m-%d %H:%M}", *(_cell(r.answers.get(q.id)) for q in questions)]
        for n, r in enumerate(responses, 1)
    ]
    return heading, rows


def _cell(answer: object) -> str:
    if isinstance(answer, list):
        return "；".join(answer)
    if isinstance(answer, dict):
        return "；".join(f"{k}：{v}" for k, v in answer.items())
    return "" if answer is None else str(answer)
