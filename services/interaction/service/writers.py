"""The writer's side: following a letter by its 查询码 (or their account), adding what was asked for, rating
the answer. A 查询码 opens one letter and nothing of anyone else's."""

from __future__ import annotations

from services.interaction import deadlines
from services.interaction.lifecycle import STATUS_LABELS, Status, step_for
from services.interaction.models import Letter, SiteEntry, Unit
from services.interaction.schemas import LetterStatusView, MyLetter, RatingCreate, SupplementCreate
from services.interaction.service.context import InteractionDeps, InteractionUnitOfWork
from services.interaction.service.history import record_step
from services.interaction.service.letters import normal_code
from services.interaction.service.mail import site_name, status_link, to_handlers
from services.interaction.service.views import status_view
from shared.auth import Principal
from shared.errors import Conflict, NotFound
from shared.logs import get_logger

MY_LETTERS = 200
log = get_logger("interaction.writers")


async def _by_code(uow: InteractionUnitOfWork, code: str, *, for_update: bool = False) -> tuple[Letter, dict]:
    letter = await uow.repo.letter_by_code(normal_code(code), for_update=for_update)
    if letter is None:
        raise NotFound("查询码不正确，没有对应的信件")
    units: dict[int, Unit] = {u.id: u for u in await uow.repo.units_of_site(letter.site_id)}
    return letter, units


async def letter_by_code(deps: InteractionDeps, code: str) -> LetterStatusView:
    async with deps.platform_uow() as uow:  # the code names the letter; its site is not known beforehand
        letter, units = await _by_code(uow, code)
        return status_view(letter, units, await uow.repo.steps(letter.id, public_only=True))


async def rate_letter(deps: InteractionDeps, code: str, rating: RatingCreate) -> LetterStatusView:
    async with deps.platform_uow() as uow:
        letter, units = await _by_code(uow, code, for_update=True)
        step_for("rate", Status(letter.status), "writer")
        if letter.rating is not None:
            step_for("rate", Status.CLOSED, "writer")  # rated already: refused like a closed letter
        letter.rating, letter.rating_note = rating.rating, rating.note
        if rating.rating != "不满意":
            letter.status = Status.CLOSED
        note = f"{rating.rating}" + (f"：{rating.note}" if rating.note else "")
        record_step(uow, deps, letter, units, "rate", actor=f"writer:{letter.id}", actor_name="来信人", note=note)
        if rating.rating == "不满意":
            desk = await uow.repo.desk_settings(letter.site_id)
            line = f"第 {letter.id} 号《{letter.title}》的来信人对答复不满意，请研判是否重新办理或督办。"
            office = desk.office_email if desk else None
            to_handlers(uow, deps, letter.site_id, office, f"来信人不满意：第 {letter.id} 号", [line])
        await uow.commit()
    return await letter_by_code(deps, code)


async def supplement_letter(deps: InteractionDeps, code: str, supplement: SupplementCreate) -> LetterStatusView:
    """What the office asked for: kept as a step, and the clock runs again."""
    async with deps.platform_uow() as uow:
        letter, units = await _by_code(uow, code, for_update=True)
        step_for("supplement", Status(letter.status), "writer")
        deadlines.resume(letter, deps.calendar, deps.today())
        letter.status = Status.PROCESSING if letter.unit_id else Status.ACCEPTED
        record_step(uow, deps, letter, units, "supplement", actor=f"writer:{letter.id}", actor_name="来信人",
                    note=supplement.text)  # fmt: skip
        await uow.commit()
    return await letter_by_code(deps, code)


async def my_letters(deps: InteractionDeps, writer: Principal) -> list[MyLetter]:
    """A signed-in citizen's or legal person's letters, across the sites they wrote to, newest first."""
    async with deps.platform_uow() as uow:
        letters = await uow.repo.letters_of(writer.subject, MY_LETTERS)
        site_ids = {x.site_id for x in letters}
        sites = {s: await uow.repo.site(s) for s in site_ids}
        units = {u.id: u for s in site_ids for u in await uow.repo.units_of_site(s)}
        return [_mine(deps, letter, units, sites[letter.site_id]) for letter in letters]


async def claim_letter(deps: InteractionDeps, writer: Principal, code: str) -> MyLetter:
    """A letter sent without an account joins the writer's account by its 查询码 (the code is the key to it)."""
    async with deps.platform_uow() as uow:
        letter, units = await _by_code(uow, code, for_update=True)
        if letter.submitter not in (None, writer.subject):
            raise Conflict("这封信件已加入另一个账号", code="claimed")
        letter.submitter = writer.subject
        site = await uow.repo.site(letter.site_id)
        mine = _mine(deps, letter, units, site)
        await uow.commit()
    log.info("letter_claimed", letter_id=letter.id, site_id=letter.site_id)
    return mine


def _mine(deps: InteractionDeps, letter: Letter, units: dict[int, Unit], site: SiteEntry | None) -> MyLetter:
    return MyLetter(
        id=letter.id,
        site_id=letter.site_id,
        site_name=site_name(site),
        kind=letter.kind,
        category=letter.category,
        title=letter.title,
        addressee=units[letter.addressee_id].name,
        status=letter.status,
        status_label=STATUS_LABELS[Status(letter.status)],
        received_at=letter.received_at,
        replied_at=letter.replied_at,
        tracking_code=letter.tracking_code,
        status_url=status_link(deps, site, letter),
    )
