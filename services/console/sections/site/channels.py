"""A site's channel tree as its admin keeps it: add a channel under another, rename one, delete one the platform's
basic template does not require. The content library keeps paths, moves and the basic channels right."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.workspace import CONTENT, site_in_reach

router = APIRouter(include_in_schema=False)  # included by the site routes, under /console/site
SiteId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
ChannelId = Annotated[int, Path(ge=1, le=2**53)]
KINDS = {"list": "信息列表", "page": "单页", "topic": "专题", "link": "外部链接"}


@router.get("/{site_id}/channels")
async def channels(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    return await _page(request, staff, site_id, values={}, errors={})


@router.post("/{site_id}/channels")
async def add_channel(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    form = await form_of(request, staff)
    body: dict[str, Any] = {k: form.get(k, "").strip() for k in ("name", "slug", "kind")}
    if form.get("parent_id", "").isdigit():
        body["parent_id"] = int(form["parent_id"])
    if form.get("link_url", "").strip():
        body["link_url"] = form["link_url"].strip()
    try:
        await deps_of(request).api.call(staff.token, "POST", f"{CONTENT}/sites/{site_id}/channels", json=body)
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        errors = exc.beside_fields()
        return await _page(request, staff, site_id, values=form, errors=errors, status=exc.status)
    return done_at(f"/console/site/{site_id}/channels", f"已添加栏目“{body['name']}”")


@router.post("/{site_id}/channels/{channel_id}/rename")
async def rename(request: Request, staff: StaffDep, site_id: SiteId, channel_id: ChannelId) -> Response:
    form = await form_of(request, staff)
    body = {"name": form.get("name", "").strip()}
    path = f"{CONTENT}/sites/{site_id}/channels/{channel_id}"
    await deps_of(request).api.call(staff.token, "PATCH", path, json=body)
    return done_at(f"/console/site/{site_id}/channels", f"已改名为“{body['name']}”")


@router.post("/{site_id}/channels/{channel_id}/delete")
async def delete(request: Request, staff: StaffDep, site_id: SiteId, channel_id: ChannelId) -> Response:
    await form_of(request, staff)
    await deps_of(request).api.call(staff.token, "DELETE", f"{CONTENT}/sites/{site_id}/channels/{channel_id}")
    return done_at(f"/console/site/{site_id}/channels", "栏目已删除")


async def _page(
    request: Request, staff: Staff, site_id: str, *, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    deps = deps_of(request)
    site, listed = await asyncio.gather(
        site_in_reach(deps, staff, site_id, ("site_admin",), what="网站管理员角色"),
        deps.api.call(staff.token, "GET", f"{CONTENT}/sites/{site_id}/channels"),
    )
    return pages_of(request).render(
        request,
        "site/channels.html",
        staff,
        status=status,
        site=site,
        rows=_tree(listed),
        kinds=KINDS,
        values=values,
        errors=errors,
    )


def _tree(listed: list[dict[str, Any]]) -> list[tuple[dict[str, Any], int]]:
    """Each channel with its depth, parents before children, in the site's own order."""
    children: dict[int | None, list[dict[str, Any]]] = {}
    for channel in listed:
        children.setdefault(channel["parent_id"], []).append(channel)
    ordered: list[tuple[dict[str, Any], int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for channel in sorted(children.get(parent, []), key=lambda c: (c["position"], c["id"])):
            ordered.append((channel, depth))
            walk(channel["id"], depth + 1)

    walk(None, 0)
    return ordered
