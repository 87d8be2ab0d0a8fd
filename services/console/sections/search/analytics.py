"""A month of a site's searches as its editors read them: totals, the queries most asked, those that found nothing
(each a link to the synonym or best-bet form with it filled in), those corrected — and a bar chart of the ten
most asked, drawn on the server (SVG: no script; the table below it says the same)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of
from services.console.api.rendering import pages_of
from services.console.sections.search.desk import PLATFORM, SEARCH, ScopeId, desk_of
from services.console.service.platform_api import ApiError
from shared.clock import china_time, utcnow

router = APIRouter(include_in_schema=False)  # included by the search desk's routes, under /console/search
MONTHS = 24  # the picker offers this many months back from this one
CHARTED, BAR, LABEL = 10, 360, 14  # the chart's queries, its longest bar in pixels, a label's characters


@router.get("/{site_id}/analytics")
async def analytics(
    request: Request, staff: StaffDep, site_id: ScopeId, month: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    deps = deps_of(request)
    if site_id == PLATFORM:
        raise ApiError(404, "not_found", "搜索统计按站点查看，请先选择站点")
    desk = await desk_of(deps, staff, site_id)
    month = month.strip() or f"{this_month():%Y-%m}"
    report, errors = None, {}
    try:
        path = f"{SEARCH}/sites/{site_id}/analytics"
        report = await deps.api.call(staff.token, "GET", path, params={"month": month})
    except ApiError as exc:
        if exc.status != 422:
            raise
        errors = {"month": exc.beside_fields().get("month") or exc.message}
    return pages_of(request).render(
        request,
        "search/analytics.html",
        staff,
        status=422 if errors else 200,
        desk=desk,
        site=desk.site,
        page="analytics",
        month=month,
        months=months_back(this_month(), month),
        report=report,
        totals=totals(report) if report else {},
        chart=chart_rows(report["top_queries"]) if report else [],
        errors=errors,
    )


def this_month() -> date:
    return china_time(utcnow()).date().replace(day=1)


def months_back(now: date, chosen: str) -> list[tuple[str, str]]:
    """The picker's months, newest first, as (YYYY-MM, 2026年5月); one asked for from further back is kept."""
    months = []
    for n in range(MONTHS):
        year, month = divmod(now.year * 12 + now.month - 1 - n, 12)
        months.append((f"{year:04d}-{month + 1:02d}", f"{year}年{month + 1}月"))
    if chosen not in dict(months) and len(chosen) == 7 and chosen[:4].isdigit() and chosen[5:].isdigit():
        months.append((chosen, f"{int(chosen[:4])}年{int(chosen[5:])}月"))
    return months


def totals(report: dict[str, Any]) -> dict[str, str]:
    """The month in four figures: searches, those that found nothing, results followed, and how often."""
    searches, clicks, zero = report["searches"], report["clicks"], report["zero_result_searches"]
    return {
        "搜索次数": f"{searches}",
        "无结果搜索": f"{zero}" + (f"（{percent(zero / searches)}）" if searches else ""),
        "结果点击": f"{clicks}",
        "点击率": percent(clicks / searches) if searches else "—",
    }


def percent(ratio: float) -> str:
    return f"{ratio * 100:.1f}%"


def chart_rows(top: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ten most asked queries as bars: a label cut to fit, the count, a length in pixels (at least 2)."""
    charted = top[:CHARTED]
    most = max((q["searches"] for q in charted), default=0) or 1
    return [
        {
            "label": q["query"] if len(q["query"]) <= LABEL else q["query"][: LABEL - 1] + "…",
            "searches": q["searches"],
            "bar": max(2, round(BAR * q["searches"] / most)),
        }
        for q in charted
    ]
