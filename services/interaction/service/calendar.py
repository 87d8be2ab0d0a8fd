"""The platform's holiday table and the working-day calendar built from it: a change to the table moves every
running deadline with it."""

from __future__ import annotations

from datetime import date

from services.interaction import deadlines
from services.interaction.lifecycle import OPEN
from services.interaction.models import Holiday
from services.interaction.schemas import CalendarDay, CalendarYear, HolidayWrite
from services.interaction.service.context import InteractionDeps
from services.interaction.workdays import WorkCalendar
from shared.auth import PLATFORM_SITE, Principal
from shared.errors import Forbidden, NotFound


async def load_calendar(deps: InteractionDeps) -> None:
    """The working-day calendar from the holiday table (at start and after each change)."""
    async with deps.platform_uow() as uow:
        deps.calendar = WorkCalendar({h.day: h.workday for h in await uow.repo.holidays()})


async def calendar_year(deps: InteractionDeps, year: int) -> CalendarYear:
    async with deps.platform_uow() as uow:
        rows = await uow.repo.holidays(year)
    overrides = [CalendarDay(day=h.day, workday=h.workday, name=h.name, source="table") for h in rows]
    return CalendarYear(year=year, estimated=deps.calendar.is_estimated(year), overrides=overrides)


async def put_holiday(deps: InteractionDeps, principal: Principal, day: date, data: HolidayWrite) -> CalendarDay:
    _require_operator(principal)
    async with deps.platform_uow() as uow:
        holiday = await uow.session.get(Holiday, day) or Holiday(day=day)
        holiday.workday, holiday.name = data.workday, data.name
        uow.session.add(holiday)
        await uow.commit()
    await load_calendar(deps)
    await recompute_deadlines(deps)
    return CalendarDay(day=day, workday=data.workday, name=data.name, source="table")


async def delete_holiday(deps: InteractionDeps, principal: Principal, day: date) -> None:
    _require_operator(principal)
    async with deps.platform_uow() as uow:
        holiday = await uow.session.get(Holiday, day)
        if holiday is None:
            raise NotFound(f"节假日表中没有 {day}")
        await uow.session.delete(holiday)
        await uow.commit()
    await load_calendar(deps)
    await recompute_deadlines(deps)


def _require_operator(principal: Principal) -> None:
    if not principal.has_role(PLATFORM_SITE, "platform_operator"):
        raise Forbidden("节假日表由平台运维人员维护", code="needs_role")


async def recompute_deadlines(deps: InteractionDeps) -> int:
    """Every running clock's due day on the calendar as it now is."""
    changed = 0
    async with deps.platform_uow() as uow:
        for letter in await uow.repo.due_by(date.max, OPEN):
            before = letter.due_on
            deadlines.recompute(letter, deps.calendar)
            changed += letter.due_on != before
        await uow.commit()
    return changed
