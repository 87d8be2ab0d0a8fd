"""Request-scoped inputs of the routes: the use cases, the publisher, the reader (its key or token), paths."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from services.opendata.service.catalogue import Catalogue
from services.opendata.service.context import OpendataDeps, Publisher, Reader
from services.opendata.service.data import DataReader
from shared.auth import Principal
from shared.errors import Forbidden
from shared.web import CurrentPrincipal, current_principal

KEY_PREFIX = "sgk_"
SitePath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$", description="site id")]
NamePath = Annotated[str, Path(min_length=2, max_length=100, description="the dataset's name (or id)")]
ResourcePath = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$", description="the resource's id")]
RequestId = Annotated[int, Path(ge=1, le=2**53, description="an application's number")]


async def get_deps(request: Request) -> OpendataDeps:
    return request.app.state.deps


async def get_publisher(site_id: SitePath, principal: CurrentPrincipal) -> Publisher:
    return Publisher.of(principal, site_id)


def presented_key(request: Request) -> str | None:
    """An API key as developers' tools send it: X-API-Key, CKAN's X-CKAN-API-Key, or a bare Authorization."""
    for name in ("x-api-key", "x-ckan-api-key"):
        if value := request.headers.get(name, "").strip():
            return value
    header = request.headers.get("authorization", "").strip()
    return header if header.startswith(KEY_PREFIX) else None


async def get_reader(request: Request) -> Reader:
    """Anyone; a key makes the caller its application; a bearer token makes them a person (publishers)."""
    deps: OpendataDeps = request.app.state.deps
    key = presented_key(request)
    if key is not None:
        if deps.key_verifier is None:
            raise Forbidden("本平台暂不接受 API 密钥", code="invalid_api_key")
        info = await deps.key_verifier(key)
        if info is None:
            raise Forbidden("API 密钥无效或已被撤销：请在开发者中心查看您的密钥", code="invalid_api_key")
        return Reader(key=info)
    principal: Principal | None = None
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        principal = await current_principal(request)
    return Reader(principal=principal)


async def data_reader(request: Request) -> DataReader:
    return request.app.state.data


async def catalogue(request: Request) -> Catalogue:
    return request.app.state.catalogue


Deps = Annotated[OpendataDeps, Depends(get_deps)]
PublisherDep = Annotated[Publisher, Depends(get_publisher)]
ReaderDep = Annotated[Reader, Depends(get_reader)]
DataDep = Annotated[DataReader, Depends(data_reader)]
CatalogueDep = Annotated[Catalogue, Depends(catalogue)]
