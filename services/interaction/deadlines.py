"""A letter's clock in working days: started at 受理, extended once, paused while the writer is asked to add
to it, restarted when a case is reopened. Pure rules over the calendar: no I/O."""

from __future__ import annotations

from datetime import date
from typing import Literal

from services.interaction.lifecycle import LIMITS
from services.interaction.models import Letter
from services.interaction.workdays import WorkCalendar
from shared.errors import Conflict

Urgency = Literal["overdue", "near", "ok", "paused", "none"]


def start_clock(letter: Letter, calendar: WorkCalendar, today: date) -> None:
    """受理 (or reopening): the time limit of its kind runs from today, any pause and extension forgotten."""
    letter.clock_from, letter.limit_days = today, LIMITS[letter.kind].days
    letter.extended, letter.paused_workdays, letter.paused_since = False, 0, None
    recompute(letter, calendar)


def extend(letter: Letter, calendar: WorkCalendar) -> None:
    if letter.extended or letter.clock_from is None:
        raise Conflict("每件只能延期一次" if letter.extended else "信件尚未受理，不能延期", code="cannot_extend")
    letter.extended, letter.limit_days = True, LIMITS[letter.kind].extended
    recompute(letter, calendar)


def pause(letter: Letter, today: date) -> None:
    letter.paused_since = today


def resume(letter: Letter, calendar: WorkCalendar, today: date) -> None:
    """The working days the writer took to answer are added to the time limit."""
    if letter.paused_since is not None:
        letter.paused_workdays += calendar.workdays_between(letter.paused_since, today)
        letter.paused_since = None
    recompute(letter, calendar)


def recompute(letter: Letter, calendar: WorkCalendar) -> None:
    """The due day on the calendar as it is now (the holiday table may have changed since)."""
    if letter.clock_from is None:
        return
    letter.due_on = calendar.add_workdays(letter.clock_from, letter.limit_days + letter.paused_workdays)


def workdays_left(letter: Letter, calendar: WorkCalendar, today: date) -> int | None:
    """Working days until the due day (0 on it), negative once it has passed; None without a clock."""
    if letter.due_on is None:
        return None
    if today <= letter.due_on:
        return calendar.workdays_between(today, letter.due_on)
    return -calendar.workdays_between(letter.due_on, today)


def urgency(letter: Letter, calendar: WorkCalendar, today: date, near: int, running: bool) -> Urgency:
    if not running or letter.due_on is None:
        return "none"
    if letter.paused_since is not None:
        return "paused"
    left = workdays_left(letter, calendar, today)
    assert left is not None
    if today > letter.due_on:
        return "overdue"
    return "near" if left <= near else "ok"
