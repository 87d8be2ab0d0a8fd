"""What developers and the public call without the CKAN dialect: the catalogue, one dataset, its data searched,
exported whole (streamed CSV or JSON) or downloaded as uploaded, and a developer's applications and use."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal
from urllib.parse import quote

import orjson
from fastapi import APIRouter, Query, status
from fastapi.responses import Response, StreamingResponse

from services.opendata.api.ckan.actions import data_request
from services.opendata.api.deps import CatalogueDep, DataDep, Deps, NamePath, ReaderDep, ResourcePath, SitePath
from services.opendata.schemas import AccessRequestCreate, AccessRequestRead, DatasetRead, UsageRow
from services.opendata.service import access, statistics
from services.opendata.service.catalogue import PackageQuery
from services.opendata.service.data import DataPage
from services.opendata.service.downloads import original_file
from services.opendata.service.public import dataset_of, datasets_of

PREFIX = "/api/v1/opendata"
router = APIRouter(prefix=PREFIX, tags=["opendata/data"])
NOT_FOUND = {404: {"description": "no such dataset or resource (or not published)"}}
KEYED = {
    401: {"description": "no key (or sign-in) given"},
    403: {"description": "the key is not valid"},
    404: {"description": "no such dataset"},
    409: {"description": "not a 有条件开放 dataset, or applied for already"},
}
READ_REFUSED = {
    401: {"description": "有条件开放: a key is needed"},
    403: {"description": "不予开放, or the key's application is not approved for it"},
}


@router.get("/datasets", response_model=dict[str, Any], summary="The catalogue: search, filter, page")
async def catalogue_page(
    catalogue: CatalogueDep,
    q: Annotated[str, Query(max_length=100)] = "",
    site: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9-]{1,39}$")] = None,
    theme: Annotated[str | None, Query(max_length=40)] = None,
    access_: Annotated[Literal["open", "conditional", "closed"] | None, Query(alias="access")] = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    terms = [f"organization:{site}" if site else "", f'groups:"{theme}"' if theme else ""]
    terms.append(f"access:{access_}" if access_ else "")
    query = PackageQuery(q=q, fq=" ".join(t for t in terms if t), rows=size, start=(page - 1) * size,
                         facet_fields=["organization", "groups", "access", "res_format"])  # fmt: skip
    return await catalogue.search(query)


@router.get("/datasets/{name}", response_model=DatasetRead, responses=NOT_FOUND, summary="One dataset")
async def dataset(deps: Deps, reader: ReaderDep, name: NamePath) -> DatasetRead:
    return await dataset_of(deps, reader, name)


@router.get("/sites/{site_id}/datasets", response_model=list[DatasetRead], summary="A site's published datasets")
async def site_catalogue(deps: Deps, site_id: SitePath) -> list[DatasetRead]:
    return await datasets_of(deps, site_id)


@router.get("/resources/{resource_id}/data", response_model=dict[str, Any], responses=NOT_FOUND | READ_REFUSED,
            summary="Search a resource's rows (filters, q, fields, sort, limit/offset, next_page)")  # fmt: skip
async def search(
    data: DataDep,
    reader: ReaderDep,
    resource_id: ResourcePath,
    filters: Annotated[str | None, Query(description='JSON: {"地区": "合肥市", "年份": {"gte": 2020}}')] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    fields: Annotated[str | None, Query(description="comma-separated")] = None,
    sort: Annotated[str | None, Query(max_length=500, description='"年份 desc, 地区"')] = None,
    limit: Annotated[int, Query(ge=0)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    next_page: Annotated[str | None, Query(max_length=2000)] = None,
    include_total: bool = True,
    distinct: bool = False,
) -> dict[str, Any]:
    given = {"resource_id": resource_id, "filters": filters, "q": q, "fields": fields, "sort": sort, "limit": limit}
    given |= {"offset": offset, "next_page": next_page, "include_total": include_total, "distinct": distinct}
    request = data_request(data.deps, {k: v for k, v in given.items() if v is not None})
    page = await data.search(reader, request)
    body = {"fields": page.fields, "records": [dict(zip(page.fields, r, strict=True)) for r in page.rows]}
    body |= {"total": page.total, "limit": page.limit, "offset": page.offset, "next_page": page.next_page}
    return body


@router.get("/resources/{resource_id}/export.{kind}", response_class=StreamingResponse,
            responses=NOT_FOUND | READ_REFUSED, summary="The whole table, streamed as CSV or JSON")  # fmt: skip
async def export(
    data: DataDep,
    reader: ReaderDep,
    resource_id: ResourcePath,
    kind: Literal["csv", "json"],
    filters: str | None = None,
    fields: str | None = None,
    bom: Annotated[bool, Query(description="CSV: a UTF-8 BOM first, for Excel")] = False,
) -> StreamingResponse:
    media = "text/csv; charset=utf-8" if kind == "csv" else "application/json"
    headers = {"content-disposition": f"attachment; filename*=UTF-8''{quote(f'{resource_id}.{kind}')}"}
    whole = kind == "csv" and filters is None and fields is None
    if whole and (kept := await data.kept_csv(reader, resource_id, bom=bom)):
        return StreamingResponse(kept, media_type=media, headers=headers)
    given = {"resource_id": resource_id, "filters": filters, "fields": fields, "limit": 0}
    request = data_request(data.deps, {k: v for k, v in given.items() if v is not None})
    page, batches = await data.export(reader, request)
    body = _csv(page, batches, bom) if kind == "csv" else _json(page, batches)
    return StreamingResponse(body, media_type=media, headers=headers)


async def _csv(page: DataPage, batches: AsyncIterator[list[tuple]], bom: bool) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(page.fields)
    yield ("\ufeff" if bom else "").encode() + buffer.getvalue().encode()
    async for rows in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(rows)
        yield buffer.getvalue().encode()


async def _json(page: DataPage, batches: AsyncIterator[list[tuple]]) -> AsyncIterator[bytes]:
    yield b"["
    first = True
    async for rows in batches:
        chunk = b",".join(orjson.dumps(dict(zip(page.fields, row, strict=True))) for row in rows)
        yield (b"" if first else b",") + chunk
        first = False
    yield b"]"


@router.get("/resources/{resource_id}/file", response_class=Response, responses=NOT_FOUND | READ_REFUSED,
            summary="The file as its publisher uploaded it")  # fmt: skip
async def download(deps: Deps, data: DataDep, reader: ReaderDep, resource_id: ResourcePath) -> Response:
    return await original_file(deps, data, reader, resource_id)


@router.post("/access-requests", response_model=AccessRequestRead, status_code=status.HTTP_201_CREATED,
             summary="Apply to use a 有条件开放 dataset (with your application's key)", responses=KEYED)  # fmt: skip
async def apply(deps: Deps, reader: ReaderDep, body: AccessRequestCreate) -> AccessRequestRead:
    return await access.apply_for(deps, reader, body)


@router.get("/my/access-requests", response_model=list[AccessRequestRead], summary="Your application's requests",
            responses=KEYED)  # fmt: skip
async def my_requests(deps: Deps, reader: ReaderDep) -> list[AccessRequestRead]:
    return await access.requests_of(deps, reader)


@router.get("/my/usage", response_model=list[UsageRow], summary="Your key's calls per day and dataset",
            responses=KEYED)  # fmt: skip
async def my_usage(deps: Deps, reader: ReaderDep, days: Annotated[int, Query(ge=1, le=366)] = 30) -> list[UsageRow]:
    return await statistics.key_usage(deps, reader, days)
