"""The desk's reading side: the queue (overdue first), one letter with what the reader may do next, files."""

from __future__ import annotations

from collections.abc import Sequence

from services.interaction.lifecycle import STEPS, Status
from services.interaction.models import Letter, Unit
from services.interaction.schemas import LetterDetail, LetterSummary, Page
from services.interaction.service.context import Desk, InteractionDeps, InteractionUnitOfWork
from services.interaction.service.views import detail, summary
from shared.errors import NotFound

QUEUES = {
    "open": [Status.SUBMITTED, Status.ACCEPTED, Status.PROCESSING, Status.CLARIFYING, Status.REVIEWING],
    "answered": [Status.REPLIED, Status.CLOSED],
    "rejected": [Status.REJECTED],
    "all": list(Status),
}


async def _desk_units(uow: InteractionUnitOfWork, desk: Desk) -> tuple[dict[int, Unit], set[int] | None]:
    """Every unit of the site, and the ids of those the desk handles (None: the office handles all)."""
    units = {u.id: u for u in await uow.repo.units()}
    if desk.office:
        return units, None
    return units, {u.id for u in units.values() if u.code in desk.units}


async def desk_letter(
    uow: InteractionUnitOfWork, desk: Desk, letter_id: int, *, for_update: bool = False
) -> tuple[Letter, dict[int, Unit]]:
    """The letter if the desk may see it; a department sees only what is with it now (404 otherwise, as for
    another site's letters: its existence is not told)."""
    units, mine = await _desk_units(uow, desk)
    letter = await uow.repo.letter(letter_id, for_update=for_update)
    if letter is None or (mine is not None and letter.unit_id not in mine):
        raise NotFound(f"没有第 {letter_id} 号信件")
    return letter, units


def actions_for(letter: Letter, desk: Desk) -> list[str]:
    role = "office" if desk.office else "unit"
    status = Status(letter.status)
    return [a for a, s in STEPS.items() if role in s.by and status in s.sources]


async def detail_of(deps: InteractionDeps, desk: Desk, letter_id: int) -> LetterDetail:
    async with deps.site_uow(desk.site_id) as uow:
        letter, units = await desk_letter(uow, desk, letter_id)
        steps = await uow.repo.steps(letter.id)
        files = await uow.repo.attachments(letter.id)
        return detail(letter, units, deps, steps, files, actions_for(letter, desk))


async def letter_queue(
    deps: InteractionDeps, desk: Desk, *, queue: str, q: str | None, page: int, size: int
) -> Page[LetterSummary]:
    async with deps.site_uow(desk.site_id) as uow:
        units, mine = await _desk_units(uow, desk)
        query = uow.repo.queue(unit_ids=mine, statuses=QUEUES[queue], q=q)
        rows: Sequence[Letter]
        rows, total = await uow.repo.page(query, page, size)
        return Page(items=[summary(r, units, deps) for r in rows], total=total, page=page, size=size)


async def attachment_of(
    deps: InteractionDeps, desk: Desk, letter_id: int, attachment_id: int
) -> tuple[str, str, bytes]:
    """A file of a letter the desk may see: its name, type and bytes."""
    async with deps.site_uow(desk.site_id) as uow:
        await desk_letter(uow, desk, letter_id)
        found = await uow.repo.attachment(letter_id, attachment_id)
        if found is None:
            raise NotFound(f"第 {letter_id} 号信件没有附件 {attachment_id}")
    return found.filename, found.content_type, await deps.blobs.get(found.blob_key)
