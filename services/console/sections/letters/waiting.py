"""What waits for a letters handler on the dashboard: open letters on each of their sites, overdue ones said."""

from __future__ import annotations

from services.console.registry import Waiting
from services.console.sections.letters.desk import HANDLERS, LETTERS
from services.console.service.context import ConsoleDeps
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.workspace import my_sites


async def waiting(deps: ConsoleDeps, staff: Staff) -> list[Waiting]:
    if staff.principal.is_platform_operator():
        return []  # every site's letters are not one person's queue; the overview page shows the overdue
    found = []
    for site in await my_sites(deps, staff, HANDLERS):
        try:
            page = await deps.api.call(
                staff.token, "GET", f"{LETTERS}/sites/{site.id}/desk/letters", params={"size": 100}
            )
        except ApiError:  # the desk is not running (a platform without it): nothing waits there
            continue
        if page["total"]:
            late = sum(1 for row in page["items"] if row["urgency"] == "overdue")
            title = f"{site.name} · 待办信件" + (f"（{late} 件超期）" if late else "")
            found.append(Waiting(title, page["total"], f"/console/letters/{site.id}/"))
    return found
