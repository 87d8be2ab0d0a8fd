"""DCAT-AP: the catalogue (/catalog.ttl, .jsonld, .rdf, paged with ?page=) and each dataset (/dataset/<name>.ttl …)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from services.opendata.api.deps import CatalogueDep, NamePath
from services.opendata.dcat import EXTENSIONS, MEDIA_TYPES
from services.opendata.service.catalog_rdf import catalog_document, dataset_document

router = APIRouter(tags=["opendata/dcat"])
Extension = Literal["ttl", "jsonld", "rdf"]


@router.get("/catalog.{ext}", response_class=Response, summary="The catalogue as DCAT-AP (Turtle, JSON-LD, RDF/XML)")
async def catalog(
    catalogue: CatalogueDep, ext: Extension, page: Annotated[int, Query(ge=1, le=10_000)] = 1
) -> Response:
    fmt = EXTENSIONS[ext]
    return Response(await catalog_document(catalogue, fmt, page), media_type=MEDIA_TYPES[fmt])


@router.get("/dataset/{name}.{ext}", response_class=Response, summary="One dataset as DCAT-AP")
async def dataset(catalogue: CatalogueDep, name: NamePath, ext: Extension) -> Response:
    fmt = EXTENSIONS[ext]
    return Response(await dataset_document(catalogue, name, fmt), media_type=MEDIA_TYPES[fmt])
