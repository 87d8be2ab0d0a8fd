"""The open-data desk: pick a site, its datasets, one dataset with its files, the dataset form, publication."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import china_time, pages_of
from services.console.sections.opendata import applications, files, stats
from services.console.sections.opendata.desk import (
    OPENDATA,
    PUBLISHERS,
    STATES,
    DatasetName,
    SiteId,
    dataset_body,
    datasets_of,
    field_errors,
    published_site,
)
from services.console.sections.opendata.pages import dataset_page, form_page
from services.console.service.platform_api import ApiError
from services.console.service.workspace import my_sites

router = APIRouter(prefix="/console/opendata", include_in_schema=False)
for part in (files.router, applications.router, stats.router):
    router.include_router(part)
Turn = Annotated[str, Path(pattern="^(publish|withdraw)$")]
NEW_DATASET = {"access": "open", "frequency": "不定期", "license_id": "gov-open"}


@router.get("/")
async def sites(request: Request, staff: StaffDep) -> Response:
    mine = await my_sites(deps_of(request), staff, PUBLISHERS)
    if len(mine) == 1 and not staff.principal.is_platform_operator():
        return RedirectResponse(f"/console/opendata/{mine[0].id}/", status_code=303)
    return pages_of(request).render(request, "opendata/sites.html", staff, sites=mine)


@router.get("/{site_id}/")
async def datasets(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    deps = deps_of(request)
    site = await published_site(deps, staff, site_id)
    rows = [d | {"modified": china_time(d["modified_at"])} for d in await datasets_of(deps, staff, site_id)]
    return pages_of(request).render(request, "opendata/datasets.html", staff, site=site, rows=rows, states=STATES)


@router.get("/{site_id}/new")
async def new_form(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    return await form_page(request, staff, site_id, None, NEW_DATASET, {})


@router.post("/{site_id}/new")
async def create(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    form = await form_of(request, staff)
    path = f"{OPENDATA}/sites/{site_id}/desk/datasets"
    try:
        made = await deps_of(request).api.call(staff.token, "POST", path, json=dataset_body(form))
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        return await form_page(request, staff, site_id, None, form, field_errors(exc), exc.status)
    return done_at(f"/console/opendata/{site_id}/datasets/{made['name']}", f"已创建数据集“{made['title']}”")


@router.get("/{site_id}/datasets/{name}")
async def dataset(request: Request, staff: StaffDep, site_id: SiteId, name: DatasetName) -> Response:
    return await dataset_page(request, staff, site_id, name)


@router.get("/{site_id}/datasets/{name}/edit")
async def edit_form(request: Request, staff: StaffDep, site_id: SiteId, name: DatasetName) -> Response:
    return await form_page(request, staff, site_id, name, None, {})


@router.post("/{site_id}/datasets/{name}/edit")
async def update(request: Request, staff: StaffDep, site_id: SiteId, name: DatasetName) -> Response:
    form = await form_of(request, staff)
    path = f"{OPENDATA}/sites/{site_id}/desk/datasets/{name}"
    try:
        await deps_of(request).api.call(staff.token, "PUT", path, json=dataset_body(form, name))
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        return await form_page(request, staff, site_id, name, form, field_errors(exc), exc.status)
    return done_at(f"/console/opendata/{site_id}/datasets/{name}", "已保存数据集信息")


@router.post("/{site_id}/datasets/{name}/{turn}")
async def publish(request: Request, staff: StaffDep, site_id: SiteId, name: DatasetName, turn: Turn) -> Response:
    """发布 or 撤回: the dataset joins or leaves the catalogue (the API refuses a dataset without files)."""
    await form_of(request, staff)
    path = f"{OPENDATA}/sites/{site_id}/desk/datasets/{name}/{turn}"
    try:
        await deps_of(request).api.call(staff.token, "POST", path)
    except ApiError as exc:
        if exc.status != 409:
            raise
        return await dataset_page(request, staff, site_id, name, problem=exc.message, status=409)
    return done_at(f"/console/opendata/{site_id}/datasets/{name}", "已发布" if turn == "publish" else "已撤回")
