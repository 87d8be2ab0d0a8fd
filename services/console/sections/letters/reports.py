"""The desk's other pages: a site's statistics with charts and its reply templates; for platform operators the
holiday table (the working-day calendar's overrides) and the valid letters unanswered for over three months."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.sections.letters.desk import LETTERS, LetterId, SiteId, handled_site
from services.console.service.platform_api import ApiError
from shared.clock import china_time, utcnow

router = APIRouter(include_in_schema=False)  # included by the desk's routes, under /console/letters
BAR = 360  # the longest bar of a chart, in pixels


@router.get("/overview")
async def overview(request: Request, staff: StaffDep) -> Response:
    rows = await deps_of(request).api.call(staff.token, "GET", f"{LETTERS}/overview/unanswered")
    return pages_of(request).render(request, "letters/overview.html", staff, rows=rows)


@router.get("/calendar")
async def calendar(
    request: Request, staff: StaffDep, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> Response:
    return await _calendar_page(request, staff, year or china_time(utcnow()).year, {}, {})


@router.post("/calendar")
async def put_day(request: Request, staff: StaffDep) -> Response:
    form = await form_of(request, staff)
    try:
        day = date.fromisoformat(form.get("day", ""))
    except ValueError:
        return await _calendar_page(request, staff, _year(form), form, {"day": "请按 2027-01-01 的格式填写日期"}, 422)
    body = {"workday": form.get("workday") == "true", "name": form.get("name", "").strip()}
    try:
        await deps_of(request).api.call(staff.token, "PUT", f"{LETTERS}/calendar/days/{day}", json=body)
    except ApiError as exc:
        if exc.status != 422:
            raise
        return await _calendar_page(request, staff, day.year, form, exc.beside_fields(), 422)
    kind = "调休上班日" if body["workday"] else "放假日"
    return done_at(f"/console/letters/calendar?year={day.year}", f"已将 {day} 设为{kind}")


@router.post("/calendar/{day}/delete")
async def delete_day(request: Request, staff: StaffDep, day: date) -> Response:
    await form_of(request, staff)
    await deps_of(request).api.call(staff.token, "DELETE", f"{LETTERS}/calendar/days/{day}")
    return done_at(f"/console/letters/calendar?year={day.year}", f"已删除 {day}")


def _year(form: dict[str, str]) -> int:
    text = form.get("day", "")[:4]
    return int(text) if text.isdigit() else china_time(utcnow()).year


async def _calendar_page(
    request: Request, staff, year: int, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    found = await deps_of(request).api.call(staff.token, "GET", f"{LETTERS}/calendar/{year}")
    return pages_of(request).render(
        request, "letters/calendar.html", staff, status=status, year=year, calendar=found, values=values,
        errors=errors, years=list(range(year - 1, year + 3)),
    )  # fmt: skip


@router.get("/{site_id}/stats")
async def stats(
    request: Request, staff: StaffDep, site_id: SiteId, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> Response:
    deps = deps_of(request)
    site = await handled_site(deps, staff, site_id)
    params = {"year": year} if year else {}
    found = await deps.api.call(staff.token, "GET", f"{LETTERS}/sites/{site_id}/letters/statistics", params=params)
    on_time = [(u["label"], round((u["on_time_rate"] or 0) * 100, 1)) for u in found["by_unit"] if u["answered"]]
    return pages_of(request).render(
        request, "letters/stats.html", staff, site=site, stats=found, years=[found["year"] - n for n in range(4)],
        months=bars([(m["label"], m["received"]) for m in found["by_month"]]), units=bars(on_time),
    )  # fmt: skip


def bars(rows: list[tuple[str, float]]) -> list[dict[str, Any]]:
    top = max((v for _, v in rows), default=0) or 1
    return [{"label": label, "value": value, "bar": max(2, round(BAR * value / top))} for label, value in rows]


@router.get("/{site_id}/templates")
async def templates(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    return await _templates_page(request, staff, site_id, {}, {})


@router.post("/{site_id}/templates")
async def add_template(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    form = await form_of(request, staff)
    body = {"title": form.get("title", "").strip(), "body": form.get("body", "").strip()}
    try:
        await deps_of(request).api.call(staff.token, "POST", f"{LETTERS}/sites/{site_id}/desk/templates", json=body)
    except ApiError as exc:
        if exc.status != 422:
            raise
        return await _templates_page(request, staff, site_id, form, exc.beside_fields(), 422)
    return done_at(f"/console/letters/{site_id}/templates", f"已添加模板“{body['title']}”")


@router.post("/{site_id}/templates/{template_id}/delete")
async def delete_template(request: Request, staff: StaffDep, site_id: SiteId, template_id: LetterId) -> Response:
    await form_of(request, staff)
    path = f"{LETTERS}/sites/{site_id}/desk/templates/{template_id}"
    await deps_of(request).api.call(staff.token, "DELETE", path)
    return done_at(f"/console/letters/{site_id}/templates", "已删除模板")


async def _templates_page(request: Request, staff, site_id: str, values, errors, status: int = 200) -> Response:
    deps = deps_of(request)
    site = await handled_site(deps, staff, site_id)
    rows = await deps.api.call(staff.token, "GET", f"{LETTERS}/sites/{site_id}/desk/templates")
    return pages_of(request).render(
        request, "letters/templates.html", staff, status=status, site=site, rows=rows, values=values, errors=errors
    )
