"""A document beyond its own page: the policies a 解读 explains (linked both ways on the sites), and a push of a
live document into the channels of the sites below (a site admin's act; the content library checks both)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.sections.content.channels import channel_tree
from services.console.service.views import delete_view, save_view
from services.console.service.workspace import CONTENT, site_in_reach

router = APIRouter(include_in_schema=False)  # included by the content routes, under /console/content
SiteId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
DocId = Annotated[int, Path(ge=1, le=2**53)]


@router.get("/{site_id}/{doc_id}/links")
async def links(
    request: Request, staff: StaffDep, site_id: SiteId, doc_id: DocId, q: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    """The policies this 解读 explains now, and live documents of any site found by title to add."""
    api = deps_of(request).api
    base = f"{CONTENT}/sites/{site_id}/documents/{doc_id}"
    site, doc, found = await asyncio.gather(
        site_in_reach(deps_of(request), staff, site_id),
        api.call(staff.token, "GET", f"{base}/preview"),
        api.call(staff.token, "GET", f"{CONTENT}/library", params={"q": q, "size": 20}) if q else _none(),
    )
    linked = {ref["id"] for ref in doc["interprets"]}
    candidates = [item for item in found["items"] if item["id"] not in linked and item["id"] != doc_id] if q else []
    return pages_of(request).render(
        request, "content/links.html", staff, site=site, doc=doc, q=q, linked=doc["interprets"], candidates=candidates
    )


@router.post("/{site_id}/{doc_id}/links")
async def set_links(request: Request, staff: StaffDep, site_id: SiteId, doc_id: DocId) -> Response:
    await form_of(request, staff)
    chosen = [int(v) for v in (await request.form()).getlist("policy_ids") if isinstance(v, str) and v.isdigit()]
    path = f"{CONTENT}/sites/{site_id}/documents/{doc_id}/interprets"
    await deps_of(request).api.call(staff.token, "PUT", path, json={"policy_ids": chosen})
    return done_at(f"/console/content/{site_id}/{doc_id}/links", f"已关联 {len(chosen)} 个政策文件")


@router.get("/{site_id}/{doc_id}/push")
async def push_form(request: Request, staff: StaffDep, site_id: SiteId, doc_id: DocId) -> Response:
    """The sites below this one (their whole subtree) with the channels a pushed document may go to."""
    api = deps_of(request).api
    site, doc, directory = await asyncio.gather(
        site_in_reach(deps_of(request), staff, site_id),
        api.call(staff.token, "GET", f"{CONTENT}/sites/{site_id}/documents/{doc_id}"),
        api.call(staff.token, "GET", f"{CONTENT}/sites"),
    )
    below = _below(directory, site_id)
    trees = await asyncio.gather(*(api.call(staff.token, "GET", f"{CONTENT}/sites/{s['id']}/channels") for s in below))
    targets = [(s, [n for n in channel_tree(t) if n.writable]) for s, t in zip(below, trees, strict=True)]
    return pages_of(request).render(request, "content/push.html", staff, site=site, doc=doc, targets=targets)


@router.post("/{site_id}/{doc_id}/push")
async def push(request: Request, staff: StaffDep, site_id: SiteId, doc_id: DocId) -> Response:
    await form_of(request, staff)
    picked = [v.split(":", 1) for v in (await request.form()).getlist("target") if isinstance(v, str) and ":" in v]
    targets = [{"site_id": s, "channel_id": int(c)} for s, c in picked if c.isdigit()]
    path = f"{CONTENT}/sites/{site_id}/documents/{doc_id}/push"
    result = await deps_of(request).api.call(staff.token, "POST", path, json={"targets": targets})
    message = f"已推送到 {len(result['placed'])} 个栏目" + (
        f"，{len(result['already_present'])} 个栏目已有此文" if result["already_present"] else ""
    )
    return done_at(f"/console/content/{site_id}/{doc_id}", message)


@router.post("/{site_id}/{doc_id}/validity")
async def mark_validity(request: Request, staff: StaffDep, site_id: SiteId, doc_id: DocId) -> Response:
    """有效 / 修改 / 废止 / 失效, with the note the page shows and the document that replaces it."""
    form = await form_of(request, staff)
    body: dict[str, Any] = {"validity": form.get("validity", ""), "note": form.get("note", "").strip() or None}
    if form.get("replaced_by", "").strip().isdigit():
        body["replaced_by"] = int(form["replaced_by"])
    path = f"{CONTENT}/sites/{site_id}/documents/{doc_id}/validity"
    await deps_of(request).api.call(staff.token, "POST", path, json=body)
    return done_at(f"/console/content/{site_id}/{doc_id}", f"已标记为{body['validity']}")


@router.get("/{site_id}/library")
async def library(
    request: Request, staff: StaffDep, site_id: SiteId, q: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    """转载: published documents of the whole group, found by title, to show in one of this site's channels."""
    deps = deps_of(request)
    site, found, channels = await asyncio.gather(
        site_in_reach(deps, staff, site_id),
        deps.api.call(staff.token, "GET", f"{CONTENT}/library", params={"q": q, "size": 20}) if q else _none(),
        deps.api.call(staff.token, "GET", f"{CONTENT}/sites/{site_id}/channels"),
    )
    items = [item for item in found["items"] if item["site_id"] != site_id] if q else []
    nodes = [n for n in channel_tree(channels) if n.writable]
    return pages_of(request).render(request, "content/library.html", staff, site=site, q=q, items=items, nodes=nodes)


@router.post("/{site_id}/library")
async def repost(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    form = await form_of(request, staff)
    channel, document = form.get("channel_id", ""), form.get("document_id", "")
    path = f"{CONTENT}/sites/{site_id}/channels/{channel}/placements"
    body = {"document_id": int(document) if document.isdigit() else document}
    await deps_of(request).api.call(staff.token, "POST", path, json=body)
    return done_at(f"/console/content/{site_id}/?channel_id={channel}", "已转载到本站栏目")


@router.post("/{site_id}/views")
async def save_filter(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    """The list's current filters under a name the person chooses, shown above the list from then on."""
    form = await form_of(request, staff)
    query = {k: form.get(k, "") for k in ("channel_id", "workflow_state", "q") if form.get(k)}
    await save_view(deps_of(request), staff.subject, f"content:{site_id}", form.get("name", ""), query)
    return done_at(f"/console/content/{site_id}/?{urlencode(query)}", "视图已保存")


@router.post("/{site_id}/views/{view_id}/delete")
async def forget_filter(request: Request, staff: StaffDep, site_id: SiteId, view_id: DocId) -> Response:
    await form_of(request, staff)
    await delete_view(deps_of(request), staff.subject, view_id)
    return done_at(f"/console/content/{site_id}/", "视图已删除")


def _below(directory: list[dict[str, Any]], site_id: str) -> list[dict[str, Any]]:
    """Every site under this one, nearest first."""
    found, frontier = [], [site_id]
    while frontier:
        children = [s for s in directory if s["parent_id"] in frontier]
        found += children
        frontier = [s["id"] for s in children]
    return found


async def _none() -> None:
    return None
