"""The review queue and the decision: the document with its check findings and history, approve or send back."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.registry import Waiting
from services.console.sections.content.images import to_console
from services.console.sections.content.uploads import attachments_of
from services.console.sections.review.highlight import marked_body
from services.console.service.context import ConsoleDeps
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.workspace import CONTENT, SiteRef, my_sites, site_of

router = APIRouter(prefix="/console/review", include_in_schema=False)
SiteId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
DocId = Annotated[int, Path(ge=1, le=2**53)]
REVIEWERS = ("reviewer:*",)
QUEUE_SIZE = 100


async def queues(deps: ConsoleDeps, staff: Staff) -> list[tuple[SiteRef, dict[str, Any]]]:
    """Each site where the person reviews, with the documents that wait for their decision there."""
    sites = await my_sites(deps, staff, REVIEWERS)
    pages = await asyncio.gather(
        *(
            deps.api.call(staff.token, "GET", f"{CONTENT}/sites/{s.id}/review-queue", params={"size": QUEUE_SIZE})
            for s in sites
        )
    )
    return list(zip(sites, pages, strict=True))


async def waiting(deps: ConsoleDeps, staff: Staff) -> list[Waiting]:
    return [
        Waiting(f"{site.name} · 待我审核", page["total"], "/console/review/")
        for site, page in await queues(deps, staff)
        if page["total"]
    ]


@router.get("/")
async def queue(request: Request, staff: StaffDep) -> Response:
    found = await queues(deps_of(request), staff)
    return pages_of(request).render(request, "review/queue.html", staff, queues=found)


@router.get("/{site_id}/{doc_id}")
async def decide(request: Request, staff: StaffDep, site_id: SiteId, doc_id: DocId) -> Response:
    return await _decision_page(request, staff, site_id, doc_id, errors={})


@router.post("/{site_id}/{doc_id}")
async def decided(request: Request, staff: StaffDep, site_id: SiteId, doc_id: DocId) -> Response:
    form = await form_of(request, staff)
    action = "reject" if form.get("action") == "reject" else "approve"
    comment = form.get("comment", "").strip()
    path = f"{CONTENT}/sites/{site_id}/documents/{doc_id}/{action}"
    try:
        await deps_of(request).api.call(staff.token, "POST", path, json={"comment": comment or None})
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        errors = {"comment": exc.fields.get("body.comment") or exc.message}
        return await _decision_page(request, staff, site_id, doc_id, errors=errors, comment=comment, status=exc.status)
    return done_at("/console/review/", "已退回作者修改" if action == "reject" else "已审核通过")


async def _decision_page(
    request: Request,
    staff: Staff,
    site_id: str,
    doc_id: int,
    *,
    errors: dict[str, str],
    comment: str = "",
    status: int = 200,
) -> Response:
    deps = deps_of(request)
    base = f"{CONTENT}/sites/{site_id}/documents/{doc_id}"
    sites, doc, reviews, findings = await asyncio.gather(
        my_sites(deps, staff, REVIEWERS),
        deps.api.call(staff.token, "GET", base),
        deps.api.call(staff.token, "GET", f"{base}/reviews"),
        deps.api.call(staff.token, "POST", f"{base}/check"),
    )
    files = await attachments_of(deps.api, staff.token, site_id, doc)
    site = site_of(sites, site_id)
    if site is None:  # the API would refuse every call anyway; say so plainly
        raise ApiError(403, "needs_role", f"您在站点 {site_id} 上没有审核角色")
    return pages_of(request).render(
        request,
        "review/decide.html",
        staff,
        status=status,
        site=site,
        doc=doc,
        reviews=reviews,
        findings=findings,
        marked=marked_body(to_console(site_id, doc["body_html"], files), findings["findings"]),
        errors=errors,
        comment=comment,
    )
