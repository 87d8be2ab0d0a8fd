"""A site's call statistics: API calls and downloads per day over the last 30 days as a bar chart drawn on the
server (an SVG, with the same numbers in a table beside it), and per dataset."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of
from services.console.api.rendering import pages_of
from services.console.sections.opendata.desk import ACCESS, OPENDATA, SiteId, datasets_of, published_site
from shared.clock import china_time, utcnow

router = APIRouter(include_in_schema=False)  # included by the desk's routes, under /console/opendata
DAYS = 30
LEFT, STEP, TOP, HEIGHT = 56, 20, 28, 160  # the chart's frame, in pixels: y axis, one day, legend, tallest bar


@router.get("/{site_id}/stats")
async def stats(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    deps = deps_of(request)
    site = await published_site(deps, staff, site_id)
    rows = await deps.api.call(staff.token, "GET", f"{OPENDATA}/sites/{site_id}/desk/usage", params={"days": DAYS})
    today = china_time(utcnow()).date()
    days = [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    datasets = await datasets_of(deps, staff, site_id)
    return pages_of(request).render(
        request, "opendata/stats.html", staff, site=site, chart=day_chart(rows, days), days=DAYS,
        datasets=per_dataset(rows, datasets), access=ACCESS, frame={"left": LEFT, "step": STEP, "top": TOP,
        "height": HEIGHT, "width": LEFT + STEP * DAYS + 16, "base": TOP + HEIGHT},
    )  # fmt: skip


def day_chart(rows: list[dict[str, Any]], days: list[date]) -> dict[str, Any]:
    """Each day's two bars (calls, downloads), scaled to the busiest; every fifth day labelled under its bars."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        counts[(row["day"], row["kind"])] += row["count"]
    top = max(counts.values(), default=0)
    bars = []
    for index, day in enumerate(days):
        calls, downloads = counts[(day.isoformat(), "api")], counts[(day.isoformat(), "download")]
        bars.append({
            "day": day.isoformat(), "label": f"{day:%m-%d}", "x": LEFT + index * STEP, "calls": calls,
            "downloads": downloads, "calls_h": _height(calls, top), "downloads_h": _height(downloads, top),
            "tick": index % 5 == 0 or index == len(days) - 1,
        })  # fmt: skip
    total = {kind: sum(n for (_, k), n in counts.items() if k == kind) for kind in ("api", "download")}
    return {"bars": bars, "top": top, "calls": total["api"], "downloads": total["download"]}


def _height(value: int, top: int) -> int:
    return max(1, round(HEIGHT * value / top)) if value else 0


def per_dataset(rows: list[dict[str, Any]], datasets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each dataset's calls and downloads in the period, and since it was published; the busiest first."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        counts[(row["dataset_id"], row["kind"])] += row["count"]
    found = [d | {"calls": counts[(d["id"], "api")], "fetched": counts[(d["id"], "download")]} for d in datasets]
    return sorted(found, key=lambda d: (-d["calls"] - d["fetched"], d["title"]))
