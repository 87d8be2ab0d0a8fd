"""What every visitor may read: a site's mailboxes, its published letters (masked), and its statistics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from services.interaction.lifecycle import ANSWERED, CATEGORIES, Status
from services.interaction.models import Letter, Unit
from services.interaction.schemas import LetterForm, Page, PublicLetter, Statistics, Tally, UnitRead
from services.interaction.service.context import BEIJING, InteractionDeps
from services.interaction.service.views import public_letter
from services.interaction.workdays import WorkCalendar
from shared.errors import NotFound

SATISFIED = ("满意", "基本满意")


async def letter_form(deps: InteractionDeps, site_id: str) -> LetterForm:
    async with deps.site_uow(site_id) as uow:
        site = await uow.repo.site(site_id)
        if site is None:
            raise NotFound(f"没有站点 {site_id}")
        settings = await uow.repo.desk_settings(site_id)
        return LetterForm(
            site_id=site_id,
            site_name=site.snapshot.get("name", ""),
            mailboxes=[UnitRead.model_validate(u) for u in await uow.repo.units(active_only=True)],
            categories=list(CATEGORIES),
            captcha=bool(settings and settings.captcha),
            max_attachments=deps.settings.max_attachments,
            max_attachment_bytes=deps.settings.max_attachment_bytes,
        )


async def published_letters(deps: InteractionDeps, site_id: str, page: int, size: int) -> Page[PublicLetter]:
    async with deps.site_uow(site_id) as uow:
        units = {u.id: u for u in await uow.repo.units()}
        rows, total = await uow.repo.page(uow.repo.published(), page, size)
        return Page(items=[public_letter(r, units) for r in rows], total=total, page=page, size=size)


async def published_letter(deps: InteractionDeps, site_id: str, letter_id: int) -> PublicLetter:
    async with deps.site_uow(site_id) as uow:
        letter = await uow.repo.letter(letter_id)
        if letter is None or letter.published_at is None:
            raise NotFound(f"没有公开的第 {letter_id} 号信件")
        return public_letter(letter, {u.id: u for u in await uow.repo.units()})


async def statistics(deps: InteractionDeps, site_id: str, year: int) -> Statistics:
    """Received, answered, on time and satisfaction of one year's letters, by department, month and category."""
    start = datetime(year, 1, 1, tzinfo=BEIJING)
    async with deps.site_uow(site_id) as uow:
        letters = await uow.repo.for_statistics(start, start.replace(year=year + 1))
        units = {u.id: u for u in await uow.repo.units()}
    calendar = deps.calendar

    def tallies(key: Callable[[Letter], str], labels: Mapping[str, str] | None = None) -> list[Tally]:
        groups: dict[str, list[Letter]] = defaultdict(list)
        for letter in letters:
            groups[key(letter)].append(letter)
        return [_tally(k, (labels or {}).get(k, k), groups[k], calendar) for k in sorted(groups)]

    months = {f"{m:02d}": f"{m}月" for m in range(1, 13)}
    return Statistics(
        site_id=site_id,
        year=year,
        total=_tally("total", "合计", letters, calendar),
        by_unit=tallies(lambda x: _unit_of(x, units)),
        by_month=tallies(lambda x: f"{x.received_at.astimezone(BEIJING).month:02d}", months),
        by_category=tallies(lambda x: x.category),
    )


def _unit_of(letter: Letter, units: Mapping[int, Unit]) -> str:
    if letter.reply_unit:
        return letter.reply_unit
    return units[letter.unit_id or letter.addressee_id].name


def _tally(key: str, label: str, letters: Iterable[Letter], calendar: WorkCalendar) -> Tally:
    letters = list(letters)
    answered = [x for x in letters if x.status in ANSWERED and x.replied_at is not None]
    on_time = [x for x in answered if x.due_on is None or _day(x.replied_at) <= x.due_on]
    rated = [x for x in letters if x.rating]
    satisfied = [x for x in rated if x.rating in SATISFIED]
    spans = [calendar.workdays_between(x.clock_from, _day(x.replied_at)) for x in answered if x.clock_from]
    return Tally(
        key=key,
        label=label,
        received=sum(1 for x in letters if x.status != Status.REJECTED),
        answered=len(answered),
        on_time=len(on_time),
        on_time_rate=_rate(len(on_time), len(answered)),
        rated=len(rated),
        satisfied=len(satisfied),
        satisfaction_rate=_rate(len(satisfied), len(rated)),
        average_workdays=round(sum(spans) / len(spans), 1) if spans else None,
    )


def _day(moment: datetime | None):  # noqa: ANN202 - a date
    assert moment is not None
    return moment.astimezone(BEIJING).date()


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def known_sites(deps: InteractionDeps) -> int:
    """How many sites the desk has heard of (none: it started after them, and needs them announced again)."""
    async with deps.platform_uow() as uow:
        return len(await uow.repo.sites())


async def letters_on(deps: InteractionDeps, site_id: str) -> int:
    async with deps.site_uow(site_id) as uow:
        return await uow.repo.letter_count()
