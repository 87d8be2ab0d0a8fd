"""What waits for a data publisher on the dashboard: 有条件开放 applications not yet decided, on each of their sites."""

from __future__ import annotations

from services.console.registry import Waiting
from services.console.sections.opendata.desk import OPENDATA, PUBLISHERS
from services.console.service.context import ConsoleDeps
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.workspace import holds, my_sites


async def waiting(deps: ConsoleDeps, staff: Staff) -> list[Waiting]:
    principal = staff.principal
    if principal.is_platform_operator() or not any(holds(g.role, PUBLISHERS) for g in principal.grants):
        return []  # no desk here (an operator's every site is not one person's queue)
    found = []
    for site in await my_sites(deps, staff, PUBLISHERS):
        path = f"{OPENDATA}/sites/{site.id}/desk/access-requests"
        try:
            pending = await deps.api.call(staff.token, "GET", path, params={"state": "pending"})
        except ApiError:  # the portal is not running (a platform without it): nothing waits there
            continue
        if pending:
            title = f"{site.name} · 待审批的数据使用申请"
            found.append(Waiting(title, len(pending), f"/console/opendata/{site.id}/requests"))
    return found
