"""A dataset's files: uploaded (or replaced) through the console to the portal, which checks each whole — a broken
one comes back as its report of bad rows, shown beside the form — and each file's data dictionary (数据项)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.sections.opendata.desk import (
    COLUMN_TYPES,
    OPENDATA,
    DatasetName,
    ResourceId,
    SiteId,
    dataset_of,
    published_site,
)
from services.console.sections.opendata.pages import dataset_page
from services.console.service.platform_api import ApiError, PlatformApi
from services.console.service.sessions import Staff

router = APIRouter(include_in_schema=False)  # included by the desk's routes, under /console/opendata
DESK = OPENDATA + "/sites/{site_id}/desk/datasets/{name}"
NO_FILE = "请选择要上传的数据文件（CSV、XLSX 或 JSON）"


@dataclass
class FileRefused(Exception):
    """The portal did not load the file: its message, and the report of bad rows when it sent one."""

    status: int
    message: str
    report: dict[str, Any] | None = None


# The paths end in /new and /edit: the console's body limit lets those carry files (services/console/main.py).
@router.post("/{site_id}/datasets/{name}/resources/new")
async def upload(request: Request, staff: StaffDep, site_id: SiteId, name: DatasetName) -> Response:
    form = await form_of(request, staff)
    fields = {"title": form.get("title", "").strip(), "description": form.get("description", "").strip()}
    path = DESK.format(site_id=site_id, name=name) + "/resources"
    try:
        chosen = _chosen((await request.form()).get("file"))
        made = await _send(deps_of(request).api, staff.token, "POST", path, chosen, fields)
    except FileRefused as exc:
        return await dataset_page(
            request, staff, site_id, name, status=exc.status, report=exc.report, target="new",
            errors={"file": exc.message}, values=form,
        )  # fmt: skip
    message = f"已上传“{made['name']}”，共 {made['row_count']} 行"
    return done_at(f"/console/opendata/{site_id}/datasets/{name}", message)


@router.post("/{site_id}/datasets/{name}/resources/{resource_id}/edit")
async def replace(
    request: Request, staff: StaffDep, site_id: SiteId, name: DatasetName, resource_id: ResourceId
) -> Response:
    """A new version of the file: the old data stays served until the new one is checked and loaded."""
    await form_of(request, staff)
    path = DESK.format(site_id=site_id, name=name) + f"/resources/{resource_id}"
    try:
        chosen = _chosen((await request.form()).get("file"))
        made = await _send(deps_of(request).api, staff.token, "PUT", path, chosen, {})
    except FileRefused as exc:
        return await dataset_page(
            request, staff, site_id, name, status=exc.status, report=exc.report, target=resource_id,
            errors={resource_id: exc.message},
        )  # fmt: skip
    message = f"已替换“{made['name']}”的文件，共 {made['row_count']} 行"
    return done_at(f"/console/opendata/{site_id}/datasets/{name}", message)


@router.get("/{site_id}/datasets/{name}/resources/{resource_id}/dictionary")
async def dictionary(
    request: Request, staff: StaffDep, site_id: SiteId, name: DatasetName, resource_id: ResourceId
) -> Response:
    return await _dictionary_page(request, staff, site_id, name, resource_id, None, FileRefused(200, ""))


@router.post("/{site_id}/datasets/{name}/resources/{resource_id}/dictionary")
async def save_dictionary(
    request: Request, staff: StaffDep, site_id: SiteId, name: DatasetName, resource_id: ResourceId
) -> Response:
    form = await form_of(request, staff)
    columns = _columns(form)
    path = DESK.format(site_id=site_id, name=name) + f"/resources/{resource_id}/dictionary"
    try:
        await _call(deps_of(request).api, staff.token, "PUT", path, json={"columns": columns})
    except FileRefused as exc:
        return await _dictionary_page(request, staff, site_id, name, resource_id, columns, exc)
    return done_at(f"/console/opendata/{site_id}/datasets/{name}", "已保存数据项")


def _columns(form: dict[str, str]) -> list[dict[str, str]]:
    """The form's columns in order: each named by its hidden id, with its type, label and notes."""
    found = []
    for index in range(500):
        if f"id-{index}" not in form:
            break
        column = {"id": form[f"id-{index}"], "type": form.get(f"type-{index}", "text")}
        found.append(column | {k: form.get(f"{k}-{index}", "").strip() for k in ("label", "notes")})
    return found


async def _dictionary_page(
    request: Request,
    staff: Staff,
    site_id: str,
    name: str,
    resource_id: str,
    typed: list[dict[str, str]] | None,
    refused: FileRefused,
) -> Response:
    deps = deps_of(request)
    site = await published_site(deps, staff, site_id)
    found = await dataset_of(deps, staff, site_id, name)
    resource = next((r for r in found["resources"] if r["id"] == resource_id), None)
    if resource is None:
        raise ApiError(404, "not_found", f"数据集中没有资源 {resource_id}")
    return pages_of(request).render(
        request, "opendata/dictionary.html", staff, status=refused.status, site=site, dataset=found,
        resource=resource, columns=typed or resource["columns"], types=COLUMN_TYPES, problem=refused.message,
        report=refused.report,
    )  # fmt: skip


def _chosen(value: object) -> UploadFile:
    if not isinstance(value, UploadFile) or not value.filename:
        raise FileRefused(422, NO_FILE)
    return value


async def _send(
    api: PlatformApi, token: str, method: str, path: str, chosen: UploadFile, fields: dict[str, str]
) -> dict[str, Any]:
    """The file streamed on from where the form left it (spooled to disk when large, never read whole here)."""
    part = {"file": (chosen.filename, chosen.file, chosen.content_type or "application/octet-stream")}
    return await _call(api, token, method, path, files=part, data=fields)


async def _call(api: PlatformApi, token: str, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    """The JSON of a 2xx; a FileRefused (with its report) for a file or dictionary the portal would not load."""
    try:
        answer = await api.http.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs)
    except httpx.HTTPError as exc:
        raise ApiError(503, "service_unavailable", f"数据开放接口暂时无法访问（{type(exc).__name__}）") from None
    if answer.is_success:
        return answer.json()
    try:
        error = answer.json().get("error") or {}
    except ValueError:
        error = {}
    message = str(error.get("message") or f"数据开放接口返回 {answer.status_code}")
    if answer.status_code not in (400, 409, 413, 415, 422):
        raise ApiError(answer.status_code, str(error.get("code") or "error"), message)
    details = error.get("details")
    if isinstance(details, list):  # the form's own fields refused: [{"field", "message"}]
        message = "；".join(f"{d.get('field', '').rsplit('.', 1)[-1]}：{d.get('message', '')}" for d in details)
    report = details if isinstance(details, dict) and isinstance(details.get("problems"), list) else None
    place, _, said = message.partition(": ")
    raise FileRefused(answer.status_code, said if place in ("file", "columns") else message, report)
