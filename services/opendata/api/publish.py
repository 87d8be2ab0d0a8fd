"""A site's data publishers: datasets described, files uploaded and checked, data dictionaries, publication,
applications for 有条件开放 data decided, call statistics."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile, status

from services.opendata.api.deps import DataDep, Deps, NamePath, PublisherDep, RequestId, ResourcePath
from services.opendata.schemas import (
    AccessDecision,
    AccessRequestRead,
    DatasetRead,
    DatasetWrite,
    DictionaryWrite,
    ResourceRead,
    UsageRow,
)
from services.opendata.service import access, datasets, resources, statistics
from services.opendata.service.resources import Upload

PREFIX = "/api/v1/opendata"
router = APIRouter(prefix=f"{PREFIX}/sites/{{site_id}}/desk", tags=["opendata/publishing"])
BAD_FILE = {
    413: {"description": "the file is larger than the portal takes"},
    422: {"description": "the file has problems: `details` lists each bad row, column and value; nothing was loaded"},
}


@router.get("/datasets", response_model=list[DatasetRead], summary="The site's datasets, drafts included")
async def site_datasets(deps: Deps, publisher: PublisherDep) -> list[DatasetRead]:
    return await datasets.site_datasets(deps, publisher)


@router.post("/datasets", response_model=DatasetRead, status_code=status.HTTP_201_CREATED, summary="Describe a dataset")
async def create(deps: Deps, publisher: PublisherDep, body: DatasetWrite) -> DatasetRead:
    return await datasets.create_dataset(deps, publisher, body)


@router.get("/datasets/{name}", response_model=DatasetRead, summary="One of the site's datasets, drafts included")
async def one(deps: Deps, publisher: PublisherDep, name: NamePath) -> DatasetRead:
    return await datasets.desk_dataset(deps, publisher, name)


@router.put("/datasets/{name}", response_model=DatasetRead, summary="Change a dataset's description")
async def update(deps: Deps, publisher: PublisherDep, name: NamePath, body: DatasetWrite) -> DatasetRead:
    return await datasets.update_dataset(deps, publisher, name, body)


@router.post("/datasets/{name}/publish", response_model=DatasetRead, summary="Publish it to the catalogue")
async def publish(deps: Deps, publisher: PublisherDep, name: NamePath, data: DataDep) -> DatasetRead:
    published = await datasets.publish_dataset(deps, publisher, name)
    data.cache.clear()
    return published


@router.post("/datasets/{name}/withdraw", response_model=DatasetRead, summary="Take it off the catalogue")
async def withdraw(deps: Deps, publisher: PublisherDep, name: NamePath, data: DataDep) -> DatasetRead:
    withdrawn = await datasets.withdraw_dataset(deps, publisher, name)
    data.cache.clear()
    return withdrawn


@router.post("/datasets/{name}/resources", response_model=ResourceRead, status_code=status.HTTP_201_CREATED,
             summary="Upload a CSV (UTF-8 or GBK), XLSX or JSON file: checked whole, then loaded",
             responses=BAD_FILE)  # fmt: skip
async def upload(
    deps: Deps,
    publisher: PublisherDep,
    name: NamePath,
    data: DataDep,
    file: Annotated[UploadFile, File(description="the data file")],
    title: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=2000)] = "",
) -> ResourceRead:
    with tempfile.TemporaryDirectory(prefix="opendata-upload-") as tmp:
        spooled = await _spool(file, Path(tmp))
        added = await resources.add_resource(
            deps, publisher, name, spooled, title=title.strip(), description=description
        )
    data.cache.clear()
    return added


@router.put("/datasets/{name}/resources/{resource_id}", response_model=ResourceRead, responses=BAD_FILE,
            summary="Replace a resource's file: the old data is served until the new one is loaded")  # fmt: skip
async def replace(
    deps: Deps,
    publisher: PublisherDep,
    name: NamePath,
    resource_id: ResourcePath,
    data: DataDep,
    file: Annotated[UploadFile, File()],
) -> ResourceRead:
    with tempfile.TemporaryDirectory(prefix="opendata-upload-") as tmp:
        replaced = await resources.replace_resource(deps, publisher, name, resource_id, await _spool(file, Path(tmp)))
    data.cache.clear()
    return replaced


@router.put("/datasets/{name}/resources/{resource_id}/dictionary", response_model=ResourceRead, responses=BAD_FILE,
            summary="Edit the data dictionary (数据项): labels, notes, types (new types reload it)")  # fmt: skip
async def dictionary(
    deps: Deps,
    publisher: PublisherDep,
    name: NamePath,
    resource_id: ResourcePath,
    body: DictionaryWrite,
    data: DataDep,
) -> ResourceRead:
    edited = await resources.edit_dictionary(deps, publisher, name, resource_id, body)
    data.cache.clear()
    return edited


@router.get("/access-requests", response_model=list[AccessRequestRead], summary="Applications for 有条件开放 data")
async def requests(
    deps: Deps,
    publisher: PublisherDep,
    state: Annotated[str | None, Query(pattern="^(pending|approved|rejected|revoked)$")] = None,
) -> list[AccessRequestRead]:
    return await access.desk_requests(deps, publisher, state)


@router.post("/access-requests/{request_id}", response_model=AccessRequestRead, summary="Approve, refuse or revoke")
async def decide(
    deps: Deps, publisher: PublisherDep, request_id: RequestId, body: AccessDecision, data: DataDep
) -> AccessRequestRead:
    return await access.decide(deps, publisher, request_id, body, data.cache)


@router.get("/usage", response_model=list[UsageRow], summary="Calls and downloads per day and dataset")
async def usage(deps: Deps, publisher: PublisherDep, days: Annotated[int, Query(ge=1, le=366)] = 30) -> list[UsageRow]:
    return await statistics.site_usage(deps, publisher, days)


async def _spool(file: UploadFile, directory: Path) -> Upload:
    """The upload onto disk (never whole in memory), with the name the publisher gave it."""
    path = directory / "upload"
    with path.open("wb") as out:
        await _copy(file, out)
    return Upload(filename=(file.filename or "data.csv")[-200:], path=path, size=path.stat().st_size)


async def _copy(file: UploadFile, out) -> None:  # noqa: ANN001 - a binary file
    while chunk := await file.read(1 << 20):
        out.write(chunk)
