"""Working days on the official Chinese calendar (法定节假日 and 调休 make-up workdays).

`chinese_calendar` knows the years the State Council had announced when it was released; the platform's
holiday table overrides it day by day and covers the years after. A year neither knows is estimated: weekends
off and the fixed-date holidays (元旦, 劳动节, 国庆节) — the console warns until someone enters that year's
schedule."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import chinese_calendar

# Fixed-date days off of a year the package does not know yet (the lunar ones need the State Council's notice).
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))
MAX_SPAN = 400  # working days any deadline can run; a loop past it is a bug, not a long case


def _package_years() -> frozenset[int]:
    return frozenset(day.year for day in chinese_calendar.holidays) | frozenset(
        day.year for day in chinese_calendar.workdays
    )


PACKAGE_YEARS = _package_years()


class WorkCalendar:
    """Which days are working days: the override table first, then the package, then the estimate."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self._override_years = frozenset(day.year for day in self.overrides)

    def is_workday(self, day: date) -> bool:
        if (chosen := self.overrides.get(day)) is not None:
            return chosen
        if day.year in PACKAGE_YEARS:
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS

    def is_estimated(self, year: int) -> bool:
        """True when neither the package nor the table has the year's official schedule."""
        return year not in PACKAGE_YEARS and year not in self._override_years

    def add_workdays(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (the day itself does not count: 受理 on day 0)."""
        day, left = start, count
        for _ in range(MAX_SPAN * 3):
            if left <= 0:
                return day
            day += timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        raise ValueError(f"{count} working days after {start} run past {MAX_SPAN}")

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end is not after start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_workday(day)
        return count
