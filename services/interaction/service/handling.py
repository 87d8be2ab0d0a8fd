"""The desk's steps on a letter: each checks who may take it from where the letter is, changes the letter and
its clock, keeps the step, emits its event and mails whom it concerns, in one transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from services.interaction import deadlines
from services.interaction.events import searchable_event
from services.interaction.lifecycle import DISCLOSURE_DECISIONS, STEPS, Role, Status, step_for
from services.interaction.models import Letter, SiteEntry, Unit
from services.interaction.schemas import LetterDetail, StepRequest
from services.interaction.service.context import Desk, InteractionDeps, InteractionUnitOfWork
from services.interaction.service.history import record_step
from services.interaction.service.mail import to_handlers, to_writer
from services.interaction.service.reading import desk_letter, detail_of
from services.interaction.service.views import masked
from shared.errors import Conflict, InvalidInput


class Step:
    """One step in progress: the letter, the departments it names, and where to mail."""

    def __init__(self, uow: InteractionUnitOfWork, deps: InteractionDeps, letter: Letter, units: dict[int, Unit]):
        self.uow, self.deps, self.letter, self.units = uow, deps, letter, units
        self.public = True  # the writer sees the step with the 查询码
        self.note: str | None = None

    async def site(self) -> SiteEntry | None:
        return await self.uow.repo.site(self.letter.site_id)

    async def unit(self, code: str | None) -> Unit:
        unit = await self.uow.repo.unit_by_code(code) if code else None
        if unit is None or not unit.active:
            raise InvalidInput("unit", f"本站没有承办部门 {code!r}" if code else "请选择承办部门")
        self.units[unit.id] = unit
        return unit


Handler = Callable[[Step, StepRequest], Awaitable[None]]


async def take_step(
    deps: InteractionDeps, desk: Desk, letter_id: int, action: str, request: StepRequest
) -> LetterDetail:
    async with deps.site_uow(desk.site_id) as uow:
        letter, units = await desk_letter(uow, desk, letter_id, for_update=True)
        if request.version is not None and request.version != letter.version:
            raise Conflict("信件已被他人处理，请刷新后再操作", code="stale_version")
        role: Role = "office" if desk.office else "unit"
        target = step_for(action, Status(letter.status), role).target
        if target is not None:
            letter.status = target  # a handler may still choose another (accept with a department: processing)
        step = Step(uow, deps, letter, dict(units))
        await HANDLERS[action](step, request)
        record_step(uow, deps, letter, step.units, action, actor=desk.actor, actor_name=desk.name,
                    note=step.note, public=step.public)  # fmt: skip
        if action in ("publish", "unpublish"):
            uow.emit(searchable_event(letter, await step.site(), step.units))
        await uow.commit()
    return await detail_of(deps, desk, letter_id)


def _required(value: str | None, field: str, what: str) -> str:
    if not value:
        raise InvalidInput(field, f"请填写{what}")
    return value


async def _accept(step: Step, request: StepRequest) -> None:
    letter, deps = step.letter, step.deps
    letter.accepted_at = deps.now()
    deadlines.start_clock(letter, deps.calendar, deps.today())
    step.note = request.note
    if request.unit:
        await _assign(step, request)
        letter.status = Status.PROCESSING
    else:
        letter.status = Status.ACCEPTED
    to_writer(step.uow, deps, letter, await step.site(), "您的来信已受理",
              f"您的来信已受理，我们将在 {letter.due_on:%Y年%m月%d日} 前答复。")  # fmt: skip


async def _reject(step: Step, request: StepRequest) -> None:
    step.note = _required(request.note, "note", "不予受理的理由")
    to_writer(step.uow, step.deps, step.letter, await step.site(), "您的来信未予受理", f"不予受理的理由：{step.note}")


async def _assign(step: Step, request: StepRequest) -> None:
    unit = await step.unit(request.unit)
    if unit.id == step.letter.unit_id:
        raise Conflict(f"信件已由{unit.name}办理", code="same_unit")
    step.letter.unit_id = unit.id
    step.note = step.note or request.note
    letter = step.letter
    to_handlers(step.uow, step.deps, letter.site_id, unit.email, f"转办信件：第 {letter.id} 号",
                [f"第 {letter.id} 号《{letter.title}》已转{unit.name}办理，办理期限至 {letter.due_on}。"])  # fmt: skip


async def _clarify(step: Step, request: StepRequest) -> None:
    step.note = _required(request.note, "note", "需要来信人补充的内容")
    deadlines.pause(step.letter, step.deps.today())
    to_writer(step.uow, step.deps, step.letter, await step.site(), "请补充您的来信",
              f"办理您的来信需要您补充以下内容（补充前办理期限暂停计算）：\n{step.note}")  # fmt: skip


async def _resume(step: Step, request: StepRequest) -> None:
    step.note = request.note
    deadlines.resume(step.letter, step.deps.calendar, step.deps.today())
    step.letter.status = Status.PROCESSING if step.letter.unit_id else Status.ACCEPTED


async def _extend(step: Step, request: StepRequest) -> None:
    step.note = _required(request.note, "note", "延期的理由")
    deadlines.extend(step.letter, step.deps.calendar)
    to_writer(step.uow, step.deps, step.letter, await step.site(), "您的来信办理期限已延长",
              f"因{step.note}，办理期限延长至 {step.letter.due_on:%Y年%m月%d日}。")  # fmt: skip


async def _draft(step: Step, request: StepRequest) -> None:
    letter = step.letter
    letter.reply_draft = _required(request.reply, "reply", "答复内容")
    if letter.kind == "disclosure":
        letter.decision = _required(request.decision, "decision", "答复的处理决定（予以公开、部分公开、不予公开等）")
        needs_basis = DISCLOSURE_DECISIONS[letter.decision]
        letter.decision_basis = _required(request.basis, "basis", "所依据的条款") if needs_basis else request.basis
    unit = step.units.get(letter.unit_id) if letter.unit_id else None
    letter.reply_unit = unit.name if unit else step.units[letter.addressee_id].name
    step.public = False


async def _return(step: Step, request: StepRequest) -> None:
    step.note, step.public = _required(request.note, "note", "退回的意见"), False
    if not step.letter.unit_id:
        step.letter.status = Status.ACCEPTED


async def _approve(step: Step, request: StepRequest) -> None:
    letter = step.letter
    letter.reply, letter.replied_at, step.note = letter.reply_draft, step.deps.now(), request.note
    to_writer(step.uow, step.deps, letter, await step.site(), "您的来信已答复",
              f"{letter.reply_unit}已答复您的来信：\n\n{letter.reply}\n\n欢迎通过查询码评价办理结果。")  # fmt: skip


async def _publish(step: Step, request: StepRequest) -> None:
    letter = step.letter
    if not letter.wants_public:
        raise Conflict("来信人未同意公开，不能公开", code="not_public")
    if letter.published_at is not None:
        raise Conflict("信件已公开", code="already_published")
    letter.public_title, letter.public_body = masked(letter, letter.title), masked(letter, letter.body)
    letter.public_reply = masked(letter, letter.reply or "")
    letter.published_at, step.note = step.deps.now(), request.note


async def _unpublish(step: Step, request: StepRequest) -> None:
    if step.letter.published_at is None:
        raise Conflict("信件尚未公开", code="not_published")
    step.letter.published_at, step.note = None, _required(request.note, "note", "撤销公开的理由")


async def _reopen(step: Step, request: StepRequest) -> None:
    step.note = _required(request.note, "note", "重新办理的理由")
    letter = step.letter
    letter.rating = letter.rating_note = None
    deadlines.start_clock(letter, step.deps.calendar, step.deps.today())
    letter.status = Status.PROCESSING if letter.unit_id else Status.ACCEPTED


async def _supervise(step: Step, request: StepRequest) -> None:
    if step.letter.supervised:
        raise Conflict("信件已在督办中", code="already_supervised")
    step.letter.supervised, step.note = True, _required(request.note, "note", "督办意见")


async def _close(step: Step, request: StepRequest) -> None:
    step.note = request.note


HANDLERS: dict[str, Handler] = {
    "accept": _accept, "reject": _reject, "assign": _assign, "clarify": _clarify, "resume": _resume,
    "extend": _extend, "draft": _draft, "return": _return, "approve": _approve, "publish": _publish,
    "unpublish": _unpublish, "reopen": _reopen, "supervise": _supervise, "close": _close,
}  # fmt: skip
assert set(HANDLERS) == set(STEPS) - {"supplement", "rate"}  # the writer's two steps live in service.writers
