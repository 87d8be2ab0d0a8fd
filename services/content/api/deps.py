"""Request-scoped inputs of the routes: the use-case dependencies, the caller, paging, path ids."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request

from services.content.service.context import Actor, ContentDeps
from shared.web import CurrentPrincipal


# Dependencies are async: FastAPI runs plain `def` dependencies in a thread pool, a hop per request.
async def get_deps(request: Request) -> ContentDeps:
    return request.app.state.deps


async def get_actor(principal: CurrentPrincipal) -> Actor:
    return Actor(principal)


Deps = Annotated[ContentDeps, Depends(get_deps)]
CurrentActor = Annotated[Actor, Depends(get_actor)]
SitePath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$", description="site id")]
IdPath = Annotated[int, Path(ge=1, le=2**53)]
MAX_REVISION = 1_000_000  # revision numbers asked for: beyond any document's history, and within SQL's integers
PageNo = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=100)]
