"""The platform's 基本栏目 template, which every new site gets (政府信息公开 and its parts among them): the
operator adds an item under another, or removes one nothing hangs under. The content library checks the tree."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.workspace import CONTENT

router = APIRouter(include_in_schema=False)  # included by the operator routes, under /console/operator
TEMPLATE = f"{CONTENT}/basic-channels"
FIELDS = ("key", "parent_key", "slug", "name", "kind", "description", "position")


@router.get("/template")
async def template(request: Request, staff: StaffDep) -> Response:
    return await _page(request, staff, values={}, errors={})


@router.post("/template")
async def add_item(request: Request, staff: StaffDep) -> Response:
    form = await form_of(request, staff)
    api = deps_of(request).api
    items = await api.call(staff.token, "GET", TEMPLATE)
    new = {k: form.get(k, "").strip() for k in ("key", "slug", "name", "kind")}
    new["parent_key"] = form.get("parent_key") or None
    new["position"] = int(form["position"]) if form.get("position", "").isdigit() else 0
    return await _replace(request, staff, [*map(_item, items), new], form, f"已添加“{new['name']}”")


@router.post("/template/remove")
async def remove_item(request: Request, staff: StaffDep) -> Response:
    form = await form_of(request, staff)
    items = await deps_of(request).api.call(staff.token, "GET", TEMPLATE)
    kept = [_item(i) for i in items if i["key"] != form.get("key")]
    return await _replace(request, staff, kept, {}, "已从模板中移除（已开通的网站不受影响）")


async def _replace(request: Request, staff: Staff, items: list[dict], form: dict[str, str], done: str) -> Response:
    try:
        await deps_of(request).api.call(staff.token, "PUT", TEMPLATE, json={"items": items})
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        return await _page(request, staff, values=form, errors=exc.fields or {"": exc.message}, status=exc.status)
    return done_at("/console/operator/template", done)


def _item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: item[k] for k in FIELDS if k in item}


async def _page(
    request: Request, staff: Staff, *, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    items = await deps_of(request).api.call(staff.token, "GET", TEMPLATE)
    parents = {i["parent_key"] for i in items if i.get("parent_key")}
    depth: dict[str, int] = {}
    for item in items:  # parents come first in the template
        depth[item["key"]] = depth.get(item.get("parent_key") or "", -1) + 1
    rows = [(item, depth[item["key"]], item["key"] in parents) for item in items]
    return pages_of(request).render(
        request, "operator/template.html", staff, status=status, rows=rows, values=values, errors=errors
    )
