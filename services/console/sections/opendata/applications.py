"""有条件开放 applications at the owning site: developers' requests to use a dataset, approved or refused with a
reason told to the applicant; an approval revoked later, when the use ends or breaks its terms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import china_time, pages_of
from services.console.sections.opendata.desk import OPENDATA, RequestId, SiteId, datasets_of, published_site
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff

router = APIRouter(include_in_schema=False)  # included by the desk's routes, under /console/opendata
STATUS = {"pending": "待审批", "approved": "已批准", "rejected": "已拒绝", "revoked": "已撤销"}
DECISIONS = {"approve": "批准", "refuse": "拒绝", "revoke": "撤销"}
NEEDS_REASON = {"refuse": "拒绝时请填写理由（将告知申请人）", "revoke": "撤销时请填写理由（将告知申请人）"}


@router.get("/{site_id}/requests")
async def requests(
    request: Request,
    staff: StaffDep,
    site_id: SiteId,
    show: Annotated[str, Query(pattern="^(pending|decided)$")] = "pending",
) -> Response:
    return await _requests_page(request, staff, site_id, show)


@router.post("/{site_id}/requests/{request_id}")
async def decide(request: Request, staff: StaffDep, site_id: SiteId, request_id: RequestId) -> Response:
    """批准, 拒绝 (with a reason) or 撤销 an approval; the portal's readers see it within seconds."""
    form = await form_of(request, staff)
    decision, reason = form.get("decision", ""), form.get("reason", "").strip()
    show = "decided" if decision == "revoke" else "pending"
    if decision not in DECISIONS:
        raise ApiError(400, "bad_request", "请选择批准、拒绝或撤销")
    if decision in NEEDS_REASON and not reason:
        return await _requests_page(request, staff, site_id, show, {request_id: NEEDS_REASON[decision]}, form, 422)
    body = {"approve": decision == "approve", "reason": reason}
    path = f"{OPENDATA}/sites/{site_id}/desk/access-requests/{request_id}"
    try:
        await deps_of(request).api.call(staff.token, "POST", path, json=body)
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        message = "；".join(m for m in exc.beside_fields().values() if m)
        return await _requests_page(request, staff, site_id, show, {request_id: message}, form, exc.status)
    done = f"已{DECISIONS[decision]}第 {request_id} 号申请"
    return done_at(f"/console/opendata/{site_id}/requests?show={show}", done)


async def _requests_page(
    request: Request,
    staff: Staff,
    site_id: str,
    show: str,
    errors: dict[int, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    deps = deps_of(request)
    site = await published_site(deps, staff, site_id)
    titles = {d["id"]: d for d in await datasets_of(deps, staff, site_id)}
    path = f"{OPENDATA}/sites/{site_id}/desk/access-requests"
    params = {"state": "pending"} if show == "pending" else {}
    found = await deps.api.call(staff.token, "GET", path, params=params)
    rows = [_row(r, titles) for r in found if (r["status"] == "pending") == (show == "pending")]
    return pages_of(request).render(
        request, "opendata/requests.html", staff, status=status, site=site, rows=rows, show=show,
        errors=errors or {}, values=values or {},
    )  # fmt: skip


def _row(found: dict[str, Any], datasets: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """An application with its dataset's title and name, its status in words and its moments in Beijing time."""
    dataset = datasets.get(found["dataset_id"], {})
    return found | {
        "dataset_title": dataset.get("title", found["dataset_id"]),
        "dataset_name": dataset.get("name", ""),
        "status_label": STATUS.get(found["status"], found["status"]),
        "created": china_time(found["created_at"]),
        "decided": china_time(found["decided_at"]),
    }
