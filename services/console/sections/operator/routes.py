"""The site group at a glance: figures per site from the content library, a chart drawn on the server (SVG: no
script, nothing the page's CSP must allow), freshness judged by the national rule (two weeks without an update)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of
from services.console.api.rendering import pages_of
from services.console.sections.operator import changes, template
from services.console.service.workspace import CONTENT

router = APIRouter(prefix="/console/operator", include_in_schema=False)
router.include_router(changes.router)
router.include_router(template.router)
STALE_DAYS = 14  # 首页两周未更新: a single-veto item of the national inspection
LEVELS = {"province": "省级", "city": "市级", "county": "县级", "department": "部门"}
STATUSES = {"building": "建设中", "online": "运行", "closed": "已关停"}
BAR_WIDTH = 360


@dataclass(frozen=True, slots=True)
class Row:
    site: dict[str, Any]
    idle_days: int | None  # days since the site last published
    waiting_days: int | None  # days the longest-waiting document has been in review
    live_bar: int  # bar lengths of the chart, in pixels
    review_bar: int

    @property
    def stale(self) -> bool:
        return self.site["status"] == "online" and (self.idle_days is None or self.idle_days > STALE_DAYS)


@router.get("/")
async def overview(request: Request, staff: StaffDep) -> Response:
    sites = await deps_of(request).api.call(staff.token, "GET", f"{CONTENT}/overview")
    rows = _rows(sites, datetime.now(UTC))
    totals = {key: sum(s[key] for s in sites) for key in ("documents", "live", "drafts", "in_review")}
    return pages_of(request).render(
        request,
        "operator/overview.html",
        staff,
        rows=rows,
        totals=totals,
        stale=[r for r in rows if r.stale],
        levels=LEVELS,
        statuses=STATUSES,
        stale_days=STALE_DAYS,
        bar_width=BAR_WIDTH,
    )


def _rows(sites: list[dict[str, Any]], now: datetime) -> list[Row]:
    widest = max([s["live"] for s in sites] + [s["in_review"] for s in sites] + [1])
    return [
        Row(
            site=s,
            idle_days=_days(s["last_published"], now),
            waiting_days=_days(s["oldest_in_review"], now),
            live_bar=round(BAR_WIDTH * s["live"] / widest),
            review_bar=round(BAR_WIDTH * s["in_review"] / widest),
        )
        for s in sites
    ]


def _days(moment: str | None, now: datetime) -> int | None:
    return None if moment is None else (now - datetime.fromisoformat(moment)).days
