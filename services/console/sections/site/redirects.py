"""A site's redirect table as its admin keeps it: old addresses sent on (301) or marked gone (410), added many at a
time as lines of text, found by part of the path, taken out one by one. The renderer checks each path."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.workspace import site_in_reach

router = APIRouter(include_in_schema=False)  # included by the site routes, under /console/site
RENDER = "/api/v1/render"
SiteId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
SHOWN = 200
GONE = {"410", "gone", "删除", "已删除"}


@router.get("/{site_id}/redirects")
async def redirects(
    request: Request, staff: StaffDep, site_id: SiteId, q: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    return await _page(request, staff, site_id, q=q, lines="", errors={})


@router.post("/{site_id}/redirects")
async def add_redirects(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    form = await form_of(request, staff)
    lines = form.get("lines", "")
    items = [item for item in map(redirect_item, lines.splitlines()) if item]
    if not items:
        return await _page(request, staff, site_id, q="", lines=lines, errors={"lines": "请至少填写一行"}, status=422)
    try:
        path = f"{RENDER}/sites/{site_id}/redirects"
        written = await deps_of(request).api.call(staff.token, "POST", path, json={"items": items})
    except ApiError as exc:
        if exc.status != 422:
            raise
        return await _page(request, staff, site_id, q="", lines=lines, errors=_by_line(exc), status=422)
    return done_at(f"/console/site/{site_id}/redirects", f"已写入 {written['written']} 条")


@router.post("/{site_id}/redirects/delete")
async def delete_redirect(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    form = await form_of(request, staff)
    params = {"old_path": form.get("old_path", "")}
    await deps_of(request).api.call(staff.token, "DELETE", f"{RENDER}/sites/{site_id}/redirects", params=params)
    return done_at(f"/console/site/{site_id}/redirects", f"已删除 {params['old_path']}")


def redirect_item(line: str) -> dict[str, Any] | None:
    """'/old/1.html /new/' → 301 there; '/old/2.html 410' → gone; a blank line → nothing."""
    parts = line.split()
    if not parts:
        return None
    target = parts[1] if len(parts) > 1 else ""
    return {"old_path": parts[0], "target": None if target.lower() in GONE else target}


def _by_line(exc: ApiError) -> dict[str, str]:
    """'body.items.3.target' → '第 4 行'."""
    named = {}
    for field, message in exc.fields.items():
        bits = field.split(".")
        where = f"第 {int(bits[2]) + 1} 行" if len(bits) > 2 and bits[2].isdigit() else field
        named[where] = message
    return named or {"": exc.message}


async def _page(
    request: Request, staff: Staff, site_id: str, *, q: str, lines: str, errors: dict[str, str], status: int = 200
) -> Response:
    deps = deps_of(request)
    site = await site_in_reach(deps, staff, site_id, ("site_admin",), what="网站管理员角色")
    table = await deps.api.call(staff.token, "GET", f"{RENDER}/sites/{site_id}/redirects")
    found = [r for r in table if q in r["old_path"] or q in (r["target"] or "")]
    return pages_of(request).render(
        request,
        "site/redirects.html",
        staff,
        status=status,
        site=site,
        q=q,
        total=len(table),
        found=len(found),
        shown=found[:SHOWN],
        lines=lines,
        errors=errors,
    )
