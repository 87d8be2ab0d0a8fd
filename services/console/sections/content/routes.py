"""稿件 pages: pick a site, list its documents by channel and state, write and edit, submit for review."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.sections.content import images, sharing
from services.console.sections.content.channels import channel_tree
from services.console.sections.content.diffs import field_name, marked_changes
from services.console.sections.content.forms import document_body, form_of_document
from services.console.sections.content.uploads import Files, attachments_of, upload
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.views import views_of
from services.console.service.workspace import CONTENT, my_sites, site_in_reach, site_url

router = APIRouter(prefix="/console/content", include_in_schema=False)
router.include_router(sharing.router)
router.include_router(images.router)
RENDER = "/api/v1/render"
REFUSED_INPUT = (409, 413, 415, 422)  # shown beside the form, with what was typed
SiteId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
DocId = Annotated[int, Path(ge=1, le=2**53)]
STATES = {"draft": "草稿", "in_review": "审核中", "scheduled": "待发布", "published": "已发布"}
PUBLIC = {"unpublished": "未发布", "live": "已上线", "withdrawn": "已撤稿", "redirected": "已转向", "gone": "已删除"}


@router.get("/")
async def sites(request: Request, staff: StaffDep) -> Response:
    mine = await my_sites(deps_of(request), staff)
    if len(mine) == 1:
        return RedirectResponse(f"/console/content/{mine[0].id}/", status_code=303)
    return pages_of(request).render(request, "content/sites.html", staff, sites=mine)


@router.get("/{page}")
async def desk_of_my_site(
    request: Request, staff: StaffDep, page: Annotated[str, Path(pattern="^(new|library)$")]
) -> Response:
    """The menu's 写稿件 and 转载 go straight to the editor's one site, or let them pick."""
    mine = await my_sites(deps_of(request), staff, ("editor", "site_admin"))
    if len(mine) == 1:
        return RedirectResponse(f"/console/content/{mine[0].id}/{page}", status_code=303)
    return pages_of(request).render(request, "content/sites.html", staff, sites=mine, writing=page)


@router.get("/{site_id}/")
async def documents(
    request: Request,
    staff: StaffDep,
    site_id: SiteId,
    channel: Annotated[str, Query(alias="channel_id", pattern=r"^\d{0,16}$")] = "",
    workflow_state: Annotated[str, Query(pattern="^(|draft|in_review|scheduled|published)$")] = "",
    q: Annotated[str, Query(max_length=100)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Filters come from a plain GET form: an empty select is "any" (sent as channel_id=)."""
    deps = deps_of(request)
    channel_id = int(channel) if channel else None
    params = {"channel_id": channel_id, "workflow_state": workflow_state or None, "q": q or None, "page": page}
    params = {k: v for k, v in params.items() if v is not None} | {"size": deps.settings.page_size}
    site, channels, listing = await asyncio.gather(
        site_in_reach(deps_of(request), staff, site_id),
        deps.api.call(staff.token, "GET", f"{CONTENT}/sites/{site_id}/channels"),
        deps.api.call(staff.token, "GET", f"{CONTENT}/sites/{site_id}/documents", params=params),
    )
    tree = channel_tree(channels)
    saved = await views_of(deps, staff.subject, f"content:{site_id}")
    return pages_of(request).render(
        request,
        "content/documents.html",
        staff,
        site=site,
        tree=tree,
        names={node.id: node.name for node in tree},
        listing=listing,
        filters={"channel_id": channel_id, "workflow_state": workflow_state, "q": q},
        states=STATES,
        public=PUBLIC,
        pages=max(1, -(-listing["total"] // deps.settings.page_size)),
        views=saved,
    )


@router.get("/{site_id}/new")
async def new_document(
    request: Request, staff: StaffDep, site_id: SiteId, channel_id: Annotated[str, Query(pattern=r"^\d{0,16}$")] = ""
) -> Response:
    values = {"channel_id": channel_id}
    return await _editor(request, staff, site_id, values=values, errors={}, document=None)


@router.post("/{site_id}/new")
async def create_document(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    api = deps_of(request).api
    form = await form_of(request, staff)
    body = document_body(form, for_update=False) | {"submit": form.get("action") == "submit"}
    try:
        body = await _with_files(request, staff, site_id, body)
        doc = await api.call(staff.token, "POST", f"{CONTENT}/sites/{site_id}/documents", json=body)
    except ApiError as exc:
        if exc.status not in REFUSED_INPUT:
            raise
        errors = exc.beside_fields()
        return await _editor(request, staff, site_id, values=form, errors=errors, document=None, status=exc.status)
    done = "已保存并提交审核" if body["submit"] else "草稿已保存"
    return done_at(f"/console/content/{site_id}/{doc['id']}", done)


@router.get("/{site_id}/{doc_id}")
async def document(request: Request, staff: StaffDep, site_id: SiteId, doc_id: DocId) -> Response:
    deps = deps_of(request)
    base = f"{CONTENT}/sites/{site_id}/documents/{doc_id}"
    site, doc, reviews, channels = await asyncio.gather(
        site_in_reach(deps_of(request), staff, site_id),
        deps.api.call(staff.token, "GET", base),
        deps.api.call(staff.token, "GET", f"{base}/reviews"),
        deps.api.call(staff.token, "GET", f"{CONTENT}/sites/{site_id}/channels"),
    )
    names = {c["id"]: c["name"] for c in channels}
    files = await attachments_of(deps.api, staff.token, site_id, doc)
    doc["body_html"] = images.to_console(site_id, doc["body_html"], files)
    return pages_of(request).render(
        request,
        "content/document.html",
        staff,
        site=site,
        doc=doc,
        reviews=reviews,
        files=files,
        rejection=_last_rejection(doc, reviews),
        channel_name=names.get(doc["channel_id"], str(doc["channel_id"])),
        site_admin=staff.principal.has_role(site_id, ("site_admin",)),
        states=STATES,
        public=PUBLIC,
    )


@router.post("/{site_id}/{doc_id}/emergency-publish")
async def emergency_publish(request: Request, staff: StaffDep, site_id: SiteId, doc_id: DocId) -> Response:
    """A site admin publishes at once, skipping review but not the checks; the reason goes to the audit log."""
    form = await form_of(request, staff)
    path = f"{CONTENT}/sites/{site_id}/documents/{doc_id}/emergency-publish"
    await deps_of(request).api.call(staff.token, "POST", path, json={"reason": form.get("reason", "").strip()})
    return done_at(f"/console/content/{site_id}/{doc_id}", "已紧急发布")


@router.post("/{site_id}/{doc_id}/preview")
async def preview(request: Request, staff: StaffDep, site_id: SiteId, doc_id: DocId) -> Response:
    """The draft as its page will look, at a link on the site's own host that works for a few days."""
    form = await form_of(request, staff)
    deps = deps_of(request)
    hours = int(form["hours"]) if form.get("hours", "").isdigit() else 72
    site = await site_in_reach(deps_of(request), staff, site_id)
    snapshot = await deps.api.call(staff.token, "GET", f"{CONTENT}/sites/{site_id}/documents/{doc_id}/preview")
    made = await deps.api.call(
        staff.token, "POST", f"{RENDER}/sites/{site_id}/previews", json={"document": snapshot, "hours": hours}
    )
    link = site_url(deps, site) + made["path"]
    return pages_of(request).render(
        request, "content/preview.html", staff, site=site, doc=snapshot, link=link, expires_at=made["expires_at"]
    )


@router.get("/{site_id}/{doc_id}/revisions")
async def revisions(
    request: Request,
    staff: StaffDep,
    site_id: SiteId,
    doc_id: DocId,
    older: Annotated[int | None, Query(alias="from", ge=1, le=1_000_000)] = None,
    newer: Annotated[int | None, Query(alias="to", ge=1, le=1_000_000)] = None,
) -> Response:
    """Every revision, and what changed between two of them (by default the last two)."""
    deps = deps_of(request)
    base = f"{CONTENT}/sites/{site_id}/documents/{doc_id}"
    site, doc, listed = await asyncio.gather(
        site_in_reach(deps_of(request), staff, site_id),
        deps.api.call(staff.token, "GET", base),
        deps.api.call(staff.token, "GET", f"{base}/revisions"),
    )
    numbers = sorted(r["number"] for r in listed)
    newer = newer or numbers[-1]
    older = older or (numbers[-2] if len(numbers) > 1 else newer)
    diff = None
    if older != newer:
        diff = await deps.api.call(staff.token, "GET", f"{base}/diff", params={"from": older, "to": newer})
    changes = [
        {"name": field_name(c["field"]), "marked": marked_changes(c["before"], c["after"])}
        for c in (diff["changes"] if diff else [])
    ]
    return pages_of(request).render(
        request,
        "content/revisions.html",
        staff,
        site=site,
        doc=doc,
        revisions=sorted(listed, key=lambda r: r["number"], reverse=True),
        older=older,
        newer=newer,
        changes=changes,
    )


@router.get("/{site_id}/{doc_id}/edit")
async def edit_document(request: Request, staff: StaffDep, site_id: SiteId, doc_id: DocId) -> Response:
    doc = await deps_of(request).api.call(staff.token, "GET", f"{CONTENT}/sites/{site_id}/documents/{doc_id}")
    return await _editor(request, staff, site_id, values=form_of_document(doc), errors={}, document=doc)


@router.post("/{site_id}/{doc_id}/edit")
async def update_document(request: Request, staff: StaffDep, site_id: SiteId, doc_id: DocId) -> Response:
    api = deps_of(request).api
    form = await form_of(request, staff)
    path = f"{CONTENT}/sites/{site_id}/documents/{doc_id}"
    try:
        body = document_body(form, for_update=True) | await upload(
            api, staff.token, site_id, Files.of(await request.form())
        )
        body["body_html"] = await images.to_public(api, staff.token, site_id, body["body_html"])
        doc = await api.call(staff.token, "PATCH", path, json=body)
        if form.get("action") == "submit":
            await api.call(staff.token, "POST", f"{path}/submit")
    except ApiError as exc:
        if exc.status not in REFUSED_INPUT:
            raise
        current = await api.call(staff.token, "GET", path)
        errors = exc.beside_fields()
        return await _editor(request, staff, site_id, values=form, errors=errors, document=current, status=exc.status)
    done = "已保存并提交审核" if form.get("action") == "submit" else "修改已保存"
    return done_at(f"/console/content/{site_id}/{doc['id']}", done)


@router.post("/{site_id}/{doc_id}/submit")
async def submit_document(request: Request, staff: StaffDep, site_id: SiteId, doc_id: DocId) -> Response:
    await form_of(request, staff)
    path = f"{CONTENT}/sites/{site_id}/documents/{doc_id}/submit"
    await deps_of(request).api.call(staff.token, "POST", path)
    return done_at(f"/console/content/{site_id}/{doc_id}", "已提交审核")


async def _editor(
    request: Request,
    staff: Staff,
    site_id: str,
    *,
    values: dict[str, str],
    errors: dict[str, str],
    document: dict[str, Any] | None,
    status: int = 200,
) -> Response:
    deps = deps_of(request)
    site, channels, categories, files = await asyncio.gather(
        site_in_reach(deps_of(request), staff, site_id),
        deps.api.call(staff.token, "GET", f"{CONTENT}/sites/{site_id}/channels"),
        deps.api.call(staff.token, "GET", f"{CONTENT}/topic-categories"),
        attachments_of(deps.api, staff.token, site_id, document) if document else _nothing(),
    )
    return pages_of(request).render(
        request,
        "content/editor.html",
        staff,
        status=status,
        site=site,
        tree=channel_tree(channels),
        categories=[c["name"] for c in categories],
        values=values | {"body_html": images.to_console(site_id, values.get("body_html", ""), files)},
        errors=errors,
        doc=document,
        files=files,
        rich_text=deps.rich_text,
    )


async def _with_files(request: Request, staff: Staff, site_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """The form's files uploaded and named in the body; its images at their public addresses."""
    api = deps_of(request).api
    body = body | await upload(api, staff.token, site_id, Files.of(await request.form()))
    return body | {"body_html": await images.to_public(api, staff.token, site_id, body["body_html"])}


async def _nothing() -> list[Any]:
    return []


def _last_rejection(doc: dict[str, Any], reviews: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The reviewer's comment the author must act on: the last decision, if it sent the draft back."""
    decisions = [r for r in reviews if r["action"] in ("approve", "reject", "submit")]
    if doc["workflow_state"] == "draft" and decisions and decisions[-1]["action"] == "reject":
        return decisions[-1]
    return None
