"""The public search API: results, suggestions and click pings (no account needed)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from services.search.schemas import SITE_ID, DocType, SearchParams, SearchResponse, Suggestions
from services.search.service import querying, suggesting
from services.search.service.context import SearchDeps

PREFIX = "/api/v1/search"


async def get_deps(request: Request) -> SearchDeps:
    return request.app.state.deps


Deps = Annotated[SearchDeps, Depends(get_deps)]
router = APIRouter(prefix=PREFIX, tags=["search"])


async def search_params(
    q: Annotated[str, Query(description="the words: Chinese, pinyin (yibao) or initials (yb)")],
    site: Annotated[str, Query(description="the site the search is made on")],
    scope: Literal["site", "group"] = "site",
    level: Annotated[Literal["province", "city", "county", "department"] | None, Query()] = None,
    sites: Annotated[list[str] | None, Query(description="group scope: only these sites")] = None,
    channel: str | None = None,
    doc_type: DocType | None = None,
    topic: str | None = None,
    validity: Literal["有效", "修改", "废止", "失效"] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    sort: Literal["relevance", "date"] = "relevance",
    page: int = 1,
    size: int = 10,
    cursor: str | None = None,
    facets: bool = True,
) -> SearchParams:
    """The query string as one validated model; a bad field answers 422 naming it."""
    try:
        return SearchParams(
            q=q,
            site=site,
            scope=scope,
            level=level,
            sites=sites or [],
            channel=channel,
            doc_type=doc_type,
            topic=topic,
            validity=validity,
            date_from=date_from,
            date_to=date_to,
            sort=sort,
            page=page,
            size=size,
            cursor=cursor,
            facets=facets,
        )
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("query", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None


NO_SITE = {404: {"description": "no such site on this platform"}}


@router.get("", response_model=SearchResponse, summary="Search a site or the whole site group", responses=NO_SITE)
async def search(deps: Deps, params: Annotated[SearchParams, Depends(search_params)]) -> SearchResponse:
    return await querying.search(deps, params)


@router.get("/suggest", response_model=Suggestions, summary="Completions while typing", responses=NO_SITE)
async def suggest(
    deps: Deps,
    q: Annotated[str, Query(min_length=1, max_length=40)],
    site: Annotated[str, Query(pattern=SITE_ID)],
    scope: Literal["site", "group"] = "site",
) -> Suggestions:
    return await suggesting.suggest(deps, q, site, scope)


@router.post("/clicks", status_code=204, summary="A result followed (the search page's link ping)", responses=NO_SITE)
async def click(
    deps: Deps,
    site: Annotated[str, Query(pattern=SITE_ID)],
    q: Annotated[str, Query(min_length=1, max_length=100)],
    url: Annotated[str, Query(min_length=1, max_length=500)],
    position: Annotated[int, Query(ge=1, le=1000)],
) -> Response:
    await suggesting.record_click(deps, site, q, url, position)
    return Response(status_code=204)
