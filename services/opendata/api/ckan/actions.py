"""The CKAN actions this portal answers, each a translation of CKAN's parameters into a use case and of its
answer into CKAN's result (see /api/3/action/… in the README for what is and is not supported)."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from services.opendata.api.ckan.transport import boolean, integer, json_value
from services.opendata.datastore import ckan_type
from services.opendata.service.catalogue import Catalogue, PackageQuery
from services.opendata.service.context import OpendataDeps, Reader
from services.opendata.service.data import DataPage, DataReader, DataRequest
from services.opendata.service.views import datastore_fields, organization
from shared.errors import InvalidInput, NotFound

SEARCH_PARAMETERS = {"q", "fq", "rows", "start", "sort", "facet", "facet.field", "facet.limit", "facet.mincount"}
SEARCH_PARAMETERS |= {"include_private", "include_drafts", "include_deleted", "use_default_schema", "fl", "defType"}
DATASTORE_PARAMETERS = {"resource_id", "id", "filters", "q", "full_text", "plain", "language", "distinct", "fields"}
DATASTORE_PARAMETERS |= {"sort", "limit", "offset", "records_format", "include_total", "total_estimation_threshold"}
DATASTORE_PARAMETERS |= {"next_page"}


@dataclass(frozen=True, slots=True)
class Call:
    request: Request
    deps: OpendataDeps
    reader: Reader
    catalogue: Catalogue
    data: DataReader
    params: dict[str, Any]


Action = Callable[[Call], Awaitable[Any]]


def _required(params: dict[str, Any], *names: str) -> str:
    for name in names:
        if params.get(name):
            return str(params[name])
    raise InvalidInput(names[0], "缺少必填参数（Missing value）")


async def status_show(call: Call) -> dict[str, Any]:
    settings = call.deps.settings
    return {
        "ckan_version": "2.11.5", "site_title": settings.portal_title, "site_url": settings.portal_url.rstrip("/"),
        "site_description": "政府数据开放：数据集目录、数据接口（兼容 CKAN）与 DCAT 目录",
        "locale_default": "zh_Hans_CN", "error_emails_to": None, "extensions": ["datastore", "dcat"],
    }  # fmt: skip


async def package_list(call: Call) -> list[str]:
    names = sorted(e.dataset.name for e in await call.catalogue.entries())
    offset = integer(call.params, "offset", 0)
    limit = integer(call.params, "limit", len(names) or 1, low=1)
    return names[offset : offset + limit]


async def package_search(call: Call) -> dict[str, Any]:
    unknown = sorted(k for k in call.params if k not in SEARCH_PARAMETERS and not k.startswith("ext_"))
    if unknown:
        raise InvalidInput("search", f"不支持的查询参数（Invalid search parameters）：{unknown}")
    facets = json_value(call.params, "facet.field", [])
    query = PackageQuery(
        q=str(call.params.get("q") or ""), fq=str(call.params.get("fq") or ""),
        rows=integer(call.params, "rows", 10, high=1000), start=integer(call.params, "start", 0),
        sort=str(call.params.get("sort") or "score desc, metadata_modified desc"),
        facet_fields=[facets] if isinstance(facets, str) else list(facets or []),
        facet_limit=integer(call.params, "facet.limit", 50, low=-1),
    )  # fmt: skip
    return await call.catalogue.search(query)


async def package_show(call: Call) -> dict[str, Any]:
    return await call.catalogue.show(_required(call.params, "id", "name_or_id"), call.reader)


async def resource_show(call: Call) -> dict[str, Any]:
    return await call.catalogue.resource(_required(call.params, "id"))


async def organization_list(call: Call) -> list[Any]:
    sites = await call.catalogue.sites()
    counts: dict[str, int] = {}
    for entry in await call.catalogue.entries():
        counts[entry.dataset.site_id] = counts.get(entry.dataset.site_id, 0) + 1
    owners = sorted(counts)
    if boolean(call.params.get("all_fields"), False):
        return [organization(site, sites.get(site)) | {"package_count": counts[site]} for site in owners]
    return owners


async def organization_show(call: Call) -> dict[str, Any]:
    key = _required(call.params, "id")
    entries = [e for e in await call.catalogue.entries() if e.dataset.site_id == key]
    site = (await call.catalogue.sites()).get(key)
    if site is None:
        raise NotFound(f"没有组织 {key}")
    result = organization(key, site) | {"package_count": len(entries)}
    if boolean(call.params.get("include_datasets"), False):
        result["packages"] = [e.package for e in entries]
    return result


async def group_list(call: Call) -> list[str]:
    return sorted({e.dataset.theme for e in await call.catalogue.entries()})


async def tag_list(call: Call) -> list[str]:
    return sorted({tag for e in await call.catalogue.entries() for tag in e.dataset.tags})


async def datastore_search(call: Call) -> dict[str, Any]:
    params = call.params
    unknown = sorted(k for k in params if k not in DATASTORE_PARAMETERS)
    if unknown:
        raise InvalidInput("__extras", f"不支持的参数「{unknown[0]}」")
    request = data_request(call.deps, params)
    page = await call.data.search(call.reader, request)
    return datastore_result(call, request, page, str(params.get("records_format") or "objects"))


def data_request(deps: OpendataDeps, params: dict[str, Any]) -> DataRequest:
    filters = json_value(params, "filters", {}) or {}
    if not isinstance(filters, dict):
        raise InvalidInput("filters", "filters 应为 JSON 对象")
    q = json_value(params, "q") or params.get("full_text")
    fields = params.get("fields")
    if isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",") if f.strip()]
    sort = params.get("sort")
    return DataRequest(
        resource_id=_required(params, "resource_id", "id"), filters=filters, q=q, fields=fields or None,
        sort=", ".join(sort) if isinstance(sort, list) else sort, limit=integer(params, "limit", 100),
        offset=integer(params, "offset", 0), include_total=boolean(params.get("include_total"), True),
        distinct=boolean(params.get("distinct"), False), next_page=params.get("next_page") or None,
    )  # fmt: skip


def datastore_result(call: Call, request: DataRequest, page: DataPage, records_format: str) -> dict[str, Any]:
    if records_format not in ("objects", "lists", "csv", "tsv"):
        raise InvalidInput(
            "records_format", f"records_format 只能是 objects、lists、csv 或 tsv，而不是「{records_format}」"
        )
    resource_fields = _fields(page)
    result: dict[str, Any] = {
        "resource_id": request.resource_id, "limit": page.limit, "records_format": records_format,
        "include_total": request.include_total, "fields": resource_fields, "records": _records(page, records_format),
        "_links": _links(call.request, page), "total_was_estimated": False,
    }  # fmt: skip
    for name in ("filters", "q", "sort", "offset", "distinct"):
        if name in call.params:
            result[name] = call.params[name]
    if page.total is not None:
        result["total"] = page.total
    if page.next_page:
        result["next_page"] = page.next_page  # keyset paging: pass it back to continue after this page's last row
    return result


def _fields(page: DataPage) -> list[dict[str, Any]]:
    types = page.item.columns
    return [{"id": "_id", "type": "int"} if f == "_id" else {"id": f, "type": ckan_type(types[f])} for f in page.fields]


def _records(page: DataPage, records_format: str) -> Any:
    if records_format == "objects":
        # Every row has the fields' length (one SELECT wrote both); zip's strict check was a third of this line.
        return [dict(zip(page.fields, row)) for row in page.rows]  # noqa: B905
    if records_format == "lists":
        return [list(row) for row in page.rows]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if records_format == "csv" else "\t", lineterminator="\n")
    writer.writerows(page.rows)
    return buffer.getvalue()


def _links(request: Request, page: DataPage) -> dict[str, str]:
    path = request.url.path
    return {"start": path, "next": f"{path}?offset={page.offset + page.limit}"}


async def datastore_info(call: Call) -> dict[str, Any]:
    resource_id = _required(call.params, "id", "resource_id")
    item = await call.data.readable(call.reader, resource_id)
    async with call.deps.platform_uow() as uow:
        resource = await uow.repo.resource(resource_id)
    assert resource is not None
    return {"meta": {"id": resource_id, "count": resource.row_count, "table_type": "BASE TABLE"},
            "fields": [f for f in datastore_fields(resource) if f["id"] != "_id"], "schema": item.columns}  # fmt: skip


async def datastore_search_sql(call: Call) -> dict[str, Any]:
    statement = _required(call.params, "sql")
    columns, rows, truncated = await call.data.sql(call.reader, statement)
    result: dict[str, Any] = {
        "sql": statement, "records": [dict(zip(columns, row, strict=True)) for row in rows],
        "fields": [{"id": c, "type": "text"} for c in columns],
    }  # fmt: skip
    if truncated:
        result["records_truncated"] = True
    return result


ACTIONS: dict[str, Action] = {
    "status_show": status_show, "package_list": package_list, "package_search": package_search,
    "package_show": package_show, "resource_show": resource_show, "organization_list": organization_list,
    "organization_show": organization_show, "group_list": group_list, "tag_list": tag_list,
    "datastore_search": datastore_search, "datastore_info": datastore_info,
}  # fmt: skip
SQL_ACTIONS: dict[str, Action] = {"datastore_search_sql": datastore_search_sql}
