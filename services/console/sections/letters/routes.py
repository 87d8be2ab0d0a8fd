"""The letters desk: pick a site, its queue by deadline, one letter with the steps the person may take, its files."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.sections.letters import reports
from services.console.sections.letters.desk import (
    HANDLERS,
    LETTERS,
    STEP_FORMS,
    LetterId,
    SiteId,
    days_left,
    handled_site,
    with_local_times,
)
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.workspace import my_sites

router = APIRouter(prefix="/console/letters", include_in_schema=False)
router.include_router(reports.router)
QUEUES = {"open": "待办", "answered": "已答复", "rejected": "不予受理", "all": "全部"}
Action = Annotated[str, Path(pattern="^(" + "|".join(STEP_FORMS) + ")$")]


@router.get("/")
async def sites(request: Request, staff: StaffDep) -> Response:
    mine = await my_sites(deps_of(request), staff, HANDLERS)
    if len(mine) == 1 and not staff.principal.is_platform_operator():
        return RedirectResponse(f"/console/letters/{mine[0].id}/", status_code=303)
    return pages_of(request).render(request, "letters/sites.html", staff, sites=mine)


@router.get("/{site_id}/")
async def queue(
    request: Request,
    staff: StaffDep,
    site_id: SiteId,
    queue: Annotated[str, Query(pattern="^(open|answered|rejected|all)$")] = "open",
    q: Annotated[str, Query(max_length=100)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    deps = deps_of(request)
    site = await handled_site(deps, staff, site_id)
    params = {"queue": queue, "page": page, "size": 30} | ({"q": q.strip()} if q.strip() else {})
    found = await deps.api.call(staff.token, "GET", f"{LETTERS}/sites/{site_id}/desk/letters", params=params)
    rows = [with_local_times(row) | {"clock": days_left(row)} for row in found["items"]]
    pages = max(1, -(-found["total"] // 30))
    return pages_of(request).render(
        request, "letters/queue.html", staff, site=site, rows=rows, total=found["total"], queue=queue,
        queues=QUEUES, q=q, page=page, pages=pages,
    )  # fmt: skip


@router.get("/{site_id}/{letter_id}")
async def letter(
    request: Request, staff: StaffDep, site_id: SiteId, letter_id: LetterId, template: int | None = None
) -> Response:
    return await _letter_page(request, staff, site_id, letter_id, template=template)


@router.post("/{site_id}/{letter_id}/{action}")
async def step(request: Request, staff: StaffDep, site_id: SiteId, letter_id: LetterId, action: Action) -> Response:
    form = await form_of(request, staff)
    body = _step_body(form)
    path = f"{LETTERS}/sites/{site_id}/desk/letters/{letter_id}/{action}"
    try:
        await deps_of(request).api.call(staff.token, "POST", path, json=body)
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        errors = {action: "；".join(m for m in exc.beside_fields().values() if m)}
        return await _letter_page(request, staff, site_id, letter_id, errors=errors, values=form, status=exc.status)
    return done_at(f"/console/letters/{site_id}/{letter_id}", f"已{STEP_FORMS[action].label}")


def _step_body(form: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {k: form[k].strip() for k in ("note", "unit", "reply", "decision", "basis") if form.get(k)}
    if form.get("version", "").isdigit():
        body["version"] = int(form["version"])
    return body


@router.get("/{site_id}/{letter_id}/files/{attachment_id}")
async def attachment(
    request: Request, staff: StaffDep, site_id: SiteId, letter_id: LetterId, attachment_id: LetterId
) -> Response:
    deps = deps_of(request)
    path = f"{LETTERS}/sites/{site_id}/desk/letters/{letter_id}/attachments/{attachment_id}"
    answer = await deps.api.http.get(path, headers={"Authorization": f"Bearer {staff.token}"})
    if not answer.is_success:
        raise ApiError(answer.status_code, "not_found", "附件不存在或无权查看")
    headers = {k: v for k, v in answer.headers.items() if k in ("content-type", "content-disposition")}
    return Response(answer.content, headers=headers | {"cache-control": "no-store"})


async def _letter_page(
    request: Request,
    staff: Staff,
    site_id: str,
    letter_id: int,
    *,
    template: int | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    deps = deps_of(request)
    site = await handled_site(deps, staff, site_id)
    found = await deps.api.call(staff.token, "GET", f"{LETTERS}/sites/{site_id}/desk/letters/{letter_id}")
    units = await deps.api.call(staff.token, "GET", f"{LETTERS}/sites/{site_id}/desk/units")
    templates = await deps.api.call(staff.token, "GET", f"{LETTERS}/sites/{site_id}/desk/templates")
    chosen = next((t for t in templates if t["id"] == template), None)
    reply = (values or {}).get("reply") or (chosen["body"] if chosen else found["reply_draft"] or "")
    shown = with_local_times(found) | {"clock": days_left(found)}
    return pages_of(request).render(
        request, "letters/letter.html", staff, status=status, site=site, letter=shown,
        units=[u for u in units if u["active"]], templates=templates, chosen=template, reply=reply,
        forms=STEP_FORMS, errors=errors or {}, values=values or {}, quote=quote,
    )  # fmt: skip
