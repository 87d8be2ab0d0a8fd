"""What waits for an editor on the dashboard: drafts (new, or sent back by a reviewer) on each of their sites."""

from __future__ import annotations

from services.console.registry import Waiting
from services.console.service.context import ConsoleDeps
from services.console.service.sessions import Staff
from services.console.service.workspace import CONTENT, my_sites


async def waiting(deps: ConsoleDeps, staff: Staff) -> list[Waiting]:
    found = []
    for site in await my_sites(deps, staff, ("editor", "site_admin")):
        page = await deps.api.call(
            staff.token, "GET", f"{CONTENT}/sites/{site.id}/documents", params={"workflow_state": "draft", "size": 1}
        )
        if page["total"]:
            href = f"/console/content/{site.id}/?workflow_state=draft"
            found.append(Waiting(f"{site.name} · 草稿", page["total"], href))
    return found
