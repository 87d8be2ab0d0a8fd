"""The deadline watch: near-due and overdue alerts to the departments and the office, deadlines kept true to
the holiday table, and the single-veto list: valid letters unanswered for more than three months."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from services.interaction.lifecycle import OPEN, Status
from services.interaction.models import Letter
from services.interaction.schemas import OverdueLetter
from services.interaction.service.calendar import load_calendar
from services.interaction.service.context import InteractionDeps, InteractionUnitOfWork
from services.interaction.service.mail import to_handlers
from shared.auth import PLATFORM_SITE, Principal
from shared.errors import Forbidden
from shared.logs import get_logger
from shared.tasks import Periodic

log = get_logger("interaction.watch")
UNANSWERED = [Status.SUBMITTED, *OPEN]
ALERT_ORDER = {None: 0, "near": 1, "overdue": 2}


class DeadlineWatch(Periodic):
    def __init__(self, deps: InteractionDeps) -> None:
        super().__init__("interaction:deadlines", deps.settings.watch_interval_seconds, self.tick)
        self.deps = deps

    async def tick(self) -> int:
        await load_calendar(self.deps)  # another instance may have changed the table
        return await send_alerts(self.deps)


async def send_alerts(deps: InteractionDeps) -> int:
    """Tell each department (and the office) once when a letter comes near due, and once when it is overdue."""
    today = deps.today()
    horizon = deps.calendar.add_workdays(today, deps.settings.near_due_workdays)
    async with deps.platform_uow() as uow:
        letters = [x for x in await uow.repo.due_by(horizon, OPEN) if x.paused_since is None]
        due = [(x, "overdue" if x.due_on and x.due_on < today else "near") for x in letters]
        due = [(x, level) for x, level in due if ALERT_ORDER[level] > ALERT_ORDER[x.alerted]]
        await _mail_alerts(uow, deps, due)
        for letter, level in due:
            letter.alerted = level
        await uow.commit()
    if due:
        log.info("deadline alerts", letters=len(due))
    return len(due)


async def _mail_alerts(uow: InteractionUnitOfWork, deps: InteractionDeps, due: list[tuple[Letter, str]]) -> None:
    by_recipient: dict[tuple[str, str], list[str]] = defaultdict(list)
    for letter, level in due:
        state = "已超期" if level == "overdue" else "即将到期"
        line = f"第 {letter.id} 号《{letter.title}》{state}，办理期限 {letter.due_on}"
        desk = await uow.repo.desk_settings(letter.site_id)
        units = {u.id: u for u in await uow.repo.units_of_site(letter.site_id)}
        unit = units.get(letter.unit_id) if letter.unit_id else None
        for to in {desk.office_email if desk else None, unit.email if unit else None} - {None}:
            by_recipient[(letter.site_id, to)].append(line)  # type: ignore[index]
    for (site_id, to), lines in by_recipient.items():
        to_handlers(uow, deps, site_id, to, f"信件办理期限提醒（{len(lines)} 件）", lines)


async def unanswered(deps: InteractionDeps, principal: Principal, site_id: str | None) -> list[OverdueLetter]:
    """Valid letters older than the limit and still unanswered (单项否决): every site's, or one site's."""
    if not principal.has_role(site_id or PLATFORM_SITE, ("platform_operator", "site_admin", "letter_handler")):
        raise Forbidden("需要平台运维人员、站点管理员或信件受理人员", code="needs_role")
    before = deps.now() - timedelta(days=round(30.44 * deps.settings.unanswered_months))
    async with deps.platform_uow() if site_id is None else deps.site_uow(site_id) as uow:
        letters = await uow.repo.unanswered_since(before, UNANSWERED)
        units = {u.id: u for u in await uow.repo.units()} if site_id else {}
    return [
        OverdueLetter(site_id=x.site_id, id=x.id, title=x.title, received_at=x.received_at, status=x.status,
                      unit=units[x.unit_id].name if x.unit_id in units else None)
        for x in letters
    ]  # fmt: skip
