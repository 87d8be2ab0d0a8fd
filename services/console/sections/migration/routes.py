"""The migration desk's pages over the migration API (which decides who may): a site's jobs and the plan form, a
job's progress and log (refreshed in place while it runs), and its URL map — filtered, decided one address at a
time, or downloaded and uploaded as CSV."""

from __future__ import annotations

from typing import Annotated, Literal

import httpx
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.sections.migration.forms import job_body
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.workspace import SiteRef, my_sites, site_of

router = APIRouter(prefix="/console/migration", include_in_schema=False)
API = "/api/v1/transition/sites"
MIGRATORS = ("site_admin", "platform_operator")
SiteId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
JobId = Annotated[int, Path(ge=1, le=2**53)]
PAGES = {"jobs": "迁移任务", "urlmap": "网址映射"}
STATES = {"unmapped": "未决定", "refused": "被拒绝", "imported": "已导入", "mapped": "已指定", "gone": "410 已删除",
          "staged": "待导入"}  # fmt: skip
LABELS = {"source": "旧网站地址", "legacy_domains": "旧域名", "mapping": "栏目对应", "per_second": "每秒请求数",
          "resolve": "旧服务器地址"}  # fmt: skip
FINAL = ("done", "failed", "cancelled")
ACTIONS = {
    "job.created": "建立任务", "job.started": "开始运行", "job.resumed": "继续运行", "job.plan_changed": "修改计划",
    "job.cancel_requested": "请求取消", "job.cancelled": "已取消", "job.importing": "读取完毕，等待导入",
    "job.done": "完成", "job.failed": "失败", "section.mapped": "栏目自动对应", "urlmap.decided": "人工指定去向",
}  # fmt: skip


@router.get("/{page}")
async def pick(request: Request, staff: StaffDep, page: Annotated[str, Path(pattern="^(jobs|urlmap)$")]) -> Response:
    """One site: straight there; several (or a platform operator): the sites to choose from."""
    mine = await my_sites(deps_of(request), staff, MIGRATORS)
    if len(mine) == 1:
        return RedirectResponse(f"/console/migration/{mine[0].id}/{page}", status_code=303)
    return pages_of(request).render(request, "migration/sites.html", staff, sites=mine, page=page, title=PAGES[page])


@router.get("/{site_id}/jobs")
async def jobs(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    return await _jobs_page(request, staff, site_id, values={"per_second": "4"}, errors={})


@router.post("/{site_id}/jobs")
async def plan(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    form = await form_of(request, staff)
    body, errors = job_body(form, await _channels(request, staff, site_id))
    if not errors:
        try:
            job = await deps_of(request).api.call(staff.token, "POST", f"{API}/{site_id}/jobs", json=body)
        except ApiError as exc:
            if exc.status != 422:
                raise
            errors = exc.beside_fields() or {"source": exc.message}
        else:
            return done_at(f"/console/migration/{site_id}/jobs/{job['id']}", "迁移任务已开始")
    return await _jobs_page(request, staff, site_id, values=form, errors=errors, status=422)


@router.get("/{site_id}/jobs/{job_id}")
async def job(request: Request, staff: StaffDep, site_id: SiteId, job_id: JobId) -> Response:
    site = await site_for(request, staff, site_id)
    api = deps_of(request).api
    found = await api.call(staff.token, "GET", f"{API}/{site_id}/jobs/{job_id}")
    log = await api.call(staff.token, "GET", f"{API}/{site_id}/jobs/{job_id}/log")
    channels = {v: k for k, v in (await _channels(request, staff, site_id)).items()}
    return pages_of(request).render(
        request, "migration/job.html", staff, site=site, job=found, log=log[-50:], channels=channels, actions=ACTIONS,
        live=found["state"] not in FINAL and found["state"] != "planned",
    )  # fmt: skip


@router.post("/{site_id}/jobs/{job_id}/{action}")
async def act(
    request: Request, staff: StaffDep, site_id: SiteId, job_id: JobId, action: Literal["start", "cancel"]
) -> Response:
    await form_of(request, staff)
    await deps_of(request).api.call(staff.token, "POST", f"{API}/{site_id}/jobs/{job_id}/{action}")
    return done_at(f"/console/migration/{site_id}/jobs/{job_id}", "已启动" if action == "start" else "已请求取消")


@router.get("/{site_id}/urlmap")
async def url_map(
    request: Request,
    staff: StaffDep,
    site_id: SiteId,
    state: Annotated[str, Query(pattern="^(unmapped|refused|imported|mapped|gone|staged|all)$")] = "unmapped",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    site = await site_for(request, staff, site_id)
    params = {"limit": 50, "offset": offset} | ({} if state == "all" else {"state": state})
    found = await deps_of(request).api.call(staff.token, "GET", f"{API}/{site_id}/urlmap", params=params)
    return pages_of(request).render(
        request, "migration/urlmap.html", staff, site=site, rows=found["items"], total=found["total"], state=state,
        states=STATES, offset=offset, problem=request.query_params.get("problem", "")[:300],
    )  # fmt: skip


@router.post("/{site_id}/urlmap")
async def decide(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    """One click: 301 to the address typed beside the legacy URL, or 410 with the other button."""
    form = await form_of(request, staff)
    target = None if form.get("action") == "gone" else form.get("target", "").strip()
    back = f"/console/migration/{site_id}/urlmap?state={form.get('state', 'unmapped')}"
    if target == "":
        return RedirectResponse(f"{back}&problem=请填写新地址（以 / 开头的路径或完整网址），或选择“410 已删除”", 303)
    body = {"legacy_key": form.get("legacy_key", ""), "target": target}
    try:
        await deps_of(request).api.call(staff.token, "PUT", f"{API}/{site_id}/urlmap", json=body)
    except ApiError as exc:
        if exc.status != 422:
            raise
        return RedirectResponse(f"{back}&problem={exc.message[:200]}", 303)
    return done_at(back, "已保存")


@router.get("/{site_id}/urlmap.csv")
async def download(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    answer = await _raw(request, staff, "GET", f"{API}/{site_id}/urlmap/csv")
    headers = {"content-disposition": f'attachment; filename="urlmap-{site_id}.csv"', "cache-control": "no-store"}
    return Response(answer.content, media_type="text/csv; charset=utf-8", headers=headers)


@router.post("/{site_id}/urlmap.csv")
async def upload(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    await form_of(request, staff)
    chosen = (await request.form()).get("file")
    back = f"/console/migration/{site_id}/urlmap?state=all"
    if not isinstance(chosen, UploadFile) or not chosen.filename:
        return RedirectResponse(f"{back}&problem=请选择要上传的 CSV 文件", 303)
    answer = await _raw(request, staff, "PUT", f"{API}/{site_id}/urlmap/csv", content=await chosen.read())
    if answer.status_code == 422:
        return RedirectResponse(f"{back}&problem={answer.json()['error']['message'][:280]}", 303)
    return done_at(back, f"已导入 {answer.json()['written']} 条")


async def _raw(request: Request, staff: Staff, method: str, path: str, **kwargs) -> httpx.Response:  # noqa: ANN003
    """The API's answer as it is (a CSV, or a 422 to show); anything else refused as the console refuses."""
    headers = {"Authorization": f"Bearer {staff.token}"}
    try:
        answer = await deps_of(request).api.http.request(method, path, headers=headers, **kwargs)
    except httpx.HTTPError as exc:
        raise ApiError(503, "service_unavailable", f"迁移接口暂时无法访问（{type(exc).__name__}）") from None
    if not answer.is_success and answer.status_code != 422:
        raise ApiError(answer.status_code, "refused", f"迁移接口拒绝了请求（{answer.status_code}）")
    return answer


async def _jobs_page(
    request: Request, staff: Staff, site_id: str, *, values: dict, errors: dict, status: int = 200
) -> Response:
    site = await site_for(request, staff, site_id)
    listed = await deps_of(request).api.call(staff.token, "GET", f"{API}/{site_id}/jobs")
    channels = await _channels(request, staff, site_id)
    return pages_of(request).render(
        request, "migration/jobs.html", staff, status=status, site=site, jobs=listed, channels=channels,
        values=values, errors=errors, labels=LABELS,
    )  # fmt: skip


async def site_for(request: Request, staff: Staff, site_id: str) -> SiteRef:
    site = site_of(await my_sites(deps_of(request), staff, MIGRATORS), site_id)
    if site is None:
        raise ApiError(403, "needs_role", f"您在站点 {site_id} 上没有网站管理员或平台运维角色，不能迁移它")
    return site


async def _channels(request: Request, staff: Staff, site_id: str) -> dict[str, int]:
    listed = await deps_of(request).api.call(staff.token, "GET", f"/api/v1/content/sites/{site_id}/channels")
    return {c["path"].strip("/"): c["id"] for c in listed if c["kind"] != "link"}
