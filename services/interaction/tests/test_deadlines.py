"""Deadlines in working days on the official calendar: across the Spring Festival and National Day breaks with
their make-up workdays, with an extension, a clarification pause, and the holiday table overriding the package."""

from __future__ import annotations

from datetime import date

import pytest

from services.interaction import deadlines
from services.interaction.models import Letter
from services.interaction.tests.support import API, office, send_letter, step
from services.interaction.workdays import WorkCalendar
from shared.testing import Tokens

OFFICIAL = WorkCalendar()


def accepted(on: date, kind: str = "letter", calendar: WorkCalendar = OFFICIAL) -> Letter:
    letter = Letter(kind=kind)
    deadlines.start_clock(letter, calendar, on)
    return letter


def test_spring_festival_counts_the_saturday_make_up_days() -> None:
    # 2026: 2/15–2/23 off, Saturdays 2/14 and 2/28 are workdays (调休)
    assert accepted(date(2026, 2, 13)).due_on == date(2026, 3, 2)


def test_national_day_counts_the_sunday_before_and_the_saturday_after() -> None:
    # 2025: 10/1–10/8 off, Sunday 9/28 and Saturday 10/11 are workdays
    letter = accepted(date(2025, 9, 26))
    assert letter.due_on == date(2025, 10, 13)
    deadlines.extend(letter, OFFICIAL)
    assert letter.due_on == date(2025, 10, 23) and letter.limit_days == 15
    with pytest.raises(Exception, match="只能延期一次"):
        deadlines.extend(letter, OFFICIAL)


def test_a_clarification_adds_the_working_days_it_took() -> None:
    letter = accepted(date(2025, 9, 26))
    deadlines.pause(letter, date(2025, 9, 29))
    deadlines.resume(letter, OFFICIAL, date(2025, 10, 10))  # 9/30, 10/9, 10/10: three working days
    assert letter.paused_workdays == 3 and letter.due_on == date(2025, 10, 16)


def test_a_disclosure_request_has_twenty_working_days_and_twenty_more() -> None:
    letter = accepted(date(2026, 2, 13), kind="disclosure")
    assert OFFICIAL.workdays_between(date(2026, 2, 13), letter.due_on) == 20
    deadlines.extend(letter, OFFICIAL)
    assert OFFICIAL.workdays_between(date(2026, 2, 13), letter.due_on) == 40


def test_a_year_the_package_does_not_know_is_estimated_until_the_table_has_it() -> None:
    assert OFFICIAL.is_estimated(2027) and not OFFICIAL.is_estimated(2026)
    assert accepted(date(2027, 9, 30)).due_on == date(2027, 10, 12)  # weekends and 10/1–10/3 only
    table = {date(2027, 10, d): False for d in range(4, 8)} | {date(2027, 10, 9): True}
    scheduled = WorkCalendar(table)
    assert not scheduled.is_estimated(2027)
    assert accepted(date(2027, 9, 30), calendar=scheduled).due_on == date(2027, 10, 15)


def test_the_table_overrides_the_package_in_a_known_year() -> None:
    closed = WorkCalendar({date(2026, 3, 2): False})  # e.g. offices shut by a typhoon warning
    assert accepted(date(2026, 2, 13), calendar=closed).due_on == date(2026, 3, 3)


def test_urgency_and_working_days_left() -> None:
    letter = accepted(date(2026, 2, 13))  # due 3/2
    assert deadlines.workdays_left(letter, OFFICIAL, date(2026, 2, 27)) == 2
    assert deadlines.urgency(letter, OFFICIAL, date(2026, 2, 27), 2, True) == "near"
    assert deadlines.urgency(letter, OFFICIAL, date(2026, 2, 24), 2, True) == "ok"
    assert deadlines.urgency(letter, OFFICIAL, date(2026, 3, 3), 2, True) == "overdue"
    assert deadlines.workdays_left(letter, OFFICIAL, date(2026, 3, 4)) == -2


async def test_a_change_to_the_holiday_table_moves_running_deadlines(api, sites, tokens: Tokens, runtime) -> None:
    receipt = await send_letter(api)
    due = date.fromisoformat((await step(api, office(tokens), receipt["id"], "accept", unit="jyj"))["due_on"])
    day = f"{API}/calendar/days/{due.isoformat()}"
    refused = await api.put(day, json={"workday": False, "name": "台风停工"}, headers=office(tokens))
    assert refused.status_code == 403
    operator = tokens.bearer("operator", ("*", "platform_operator"))
    assert (await api.put(day, json={"workday": False, "name": "台风停工"}, headers=operator)).status_code == 200
    moved = (await api.get(f"{API}/sites/feixi/desk/letters/{receipt['id']}", headers=office(tokens))).json()
    assert date.fromisoformat(moved["due_on"]) > due
    year = (await api.get(f"{API}/calendar/{due.year}")).json()
    assert year["overrides"][0]["name"] == "台风停工"
    assert (await api.delete(day, headers=operator)).status_code == 204
    back = (await api.get(f"{API}/sites/feixi/desk/letters/{receipt['id']}", headers=office(tokens))).json()
    assert back["due_on"] == due.isoformat()


async def test_near_due_and_overdue_letters_are_told_once_each(api, sites, tokens: Tokens, runtime, mail) -> None:
    from datetime import UTC, datetime, timedelta

    from services.interaction.service.watch import send_alerts

    settings = {"captcha": False, "sensitive_words": [], "office_email": "xinfang@feixi.gov.cn"}
    admin = tokens.bearer("feixi-admin", ("feixi", "site_admin"))
    assert (await api.put(f"{API}/sites/feixi/settings", json=settings, headers=admin)).status_code == 200
    receipt = await send_letter(api)
    due = date.fromisoformat((await step(api, office(tokens), receipt["id"], "accept", unit="jyj"))["due_on"])
    deps = runtime.deps
    deps.clock = lambda: datetime.combine(due, datetime.min.time(), UTC) - timedelta(hours=8)  # the due day, Beijing
    assert await send_alerts(deps) == 1 and await send_alerts(deps) == 0  # near due: told once
    near = (await mail.wait_for("jyj@feixi.gov.cn", count=2))[-1]
    assert "即将到期" in near["Subject"] + near.get_content() and "张三丰" not in near.get_content()
    deps.clock = lambda: datetime.combine(due + timedelta(days=3), datetime.min.time(), UTC)
    assert await send_alerts(deps) == 1 and await send_alerts(deps) == 0  # overdue: told once more
    late = await mail.wait_for("xinfang@feixi.gov.cn", count=3)
    assert any("已超期" in m.get_content() for m in late)
    queue = (await api.get(f"{API}/sites/feixi/desk/letters", headers=office(tokens))).json()
    assert queue["items"][0]["urgency"] == "overdue"
    operator = tokens.bearer("operator", ("*", "platform_operator"))
    deps.clock = lambda: datetime.now(UTC) + timedelta(days=100)
    overdue = (await api.get(f"{API}/overview/unanswered", headers=operator)).json()
    assert [x["id"] for x in overdue] == [receipt["id"]]  # unanswered for over three months: the single veto
