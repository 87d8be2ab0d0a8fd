"""Opening, closing (关停) and merging (整合) sites: an operator asks, with a reason; where the platform wants a
second pair of eyes, another operator approves or rejects, and every decision is kept."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.workspace import CONTENT

router = APIRouter(include_in_schema=False)  # included by the operator routes, under /console/operator
KINDS = {"open": "开通", "close": "关停", "merge": "整合"}
STATUS = {"pending": "待审批", "approved": "已执行", "rejected": "已驳回"}


@router.get("/changes")
async def changes(request: Request, staff: StaffDep) -> Response:
    return await _page(request, staff, values={}, errors={})


@router.post("/changes")
async def ask(request: Request, staff: StaffDep) -> Response:
    form = await form_of(request, staff)
    body = {"kind": form.get("kind", ""), "reason": form.get("reason", "").strip()}
    if form.get("successor_id"):
        body["successor_id"] = form["successor_id"]
    path = f"{CONTENT}/sites/{form.get('site_id', '')}/changes"
    try:
        made = await deps_of(request).api.call(staff.token, "POST", path, json=body)
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        errors = exc.beside_fields()
        return await _page(request, staff, values=form, errors=errors, status=exc.status)
    message = "已执行" if made["status"] == "approved" else "已提交，待另一位运维人员审批"
    return done_at("/console/operator/changes", message)


@router.post("/changes/{change_id}/{decision}")
async def decide(
    request: Request,
    staff: StaffDep,
    change_id: Annotated[int, Path(ge=1, le=2**53)],
    decision: Annotated[str, Path(pattern="^(approve|reject)$")],
) -> Response:
    form = await form_of(request, staff)
    path = f"{CONTENT}/site-changes/{change_id}/{decision}"
    await deps_of(request).api.call(staff.token, "POST", path, json={"comment": form.get("comment") or None})
    return done_at("/console/operator/changes", "已批准并执行" if decision == "approve" else "已驳回")


async def _page(
    request: Request, staff: Staff, *, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    api = deps_of(request).api
    sites, asked = await asyncio.gather(
        api.call(staff.token, "GET", f"{CONTENT}/overview"), api.call(staff.token, "GET", f"{CONTENT}/site-changes")
    )
    names = {s["site_id"]: s["name"] for s in sites}
    return pages_of(request).render(
        request,
        "operator/changes.html",
        staff,
        status=status,
        sites=sites,
        names=names,
        pending=[c for c in asked if c["status"] == "pending"],
        decided=[c for c in asked if c["status"] != "pending"][:50],
        kinds=KINDS,
        statuses=STATUS,
        values=values,
        errors=errors,
    )
