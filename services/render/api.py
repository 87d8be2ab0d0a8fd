"""Routes of the render service's API: a site's look, its redirect table, its static mirror.

The pages themselves are not routes here: they are served by `pages_asgi.PageServer`, plain ASGI.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from services.render.schemas import (
    CacheStats,
    MirrorRebuilt,
    PreviewCreate,
    PreviewRead,
    RedirectBatch,
    RedirectRead,
    RedirectsWritten,
    ThemeRead,
    ThemeUpdate,
)
from services.render.service import admin, previews
from services.render.service.context import RenderDeps
from services.render.service.mirror import MirrorWriter
from shared.errors import Forbidden
from shared.web import CurrentPrincipal

PREFIX = "/api/v1/render"


# Dependencies are async: FastAPI runs plain `def` dependencies in a thread pool, a hop per request.
async def get_deps(request: Request) -> RenderDeps:
    return request.app.state.deps


async def get_mirror(request: Request) -> MirrorWriter:
    return request.app.state.mirror


Deps = Annotated[RenderDeps, Depends(get_deps)]
Mirror = Annotated[MirrorWriter, Depends(get_mirror)]
SitePath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$", description="site id")]

router = APIRouter(prefix=PREFIX)


@router.get("/sites/{site_id}/theme", response_model=ThemeRead, tags=["theme"])
async def get_theme(deps: Deps, principal: CurrentPrincipal, site_id: SitePath) -> ThemeRead:
    return await admin.get_theme(deps, principal, site_id)


@router.put("/sites/{site_id}/theme", response_model=ThemeRead, tags=["theme"], summary="Colours, logo, footer")
async def put_theme(deps: Deps, principal: CurrentPrincipal, site_id: SitePath, body: ThemeUpdate) -> ThemeRead:
    return await admin.update_theme(deps, principal, site_id, body)


@router.post(
    "/sites/{site_id}/previews",
    response_model=PreviewRead,
    status_code=201,
    tags=["previews"],
    summary="A draft's page at a link that works until it expires (no sign-in needed to open it)",
)
async def create_preview(
    deps: Deps, principal: CurrentPrincipal, site_id: SitePath, body: PreviewCreate
) -> PreviewRead:
    return await previews.create_preview(deps, principal, site_id, body)


@router.get("/sites/{site_id}/redirects", response_model=list[RedirectRead], tags=["redirects"])
async def get_redirects(deps: Deps, principal: CurrentPrincipal, site_id: SitePath) -> list[RedirectRead]:
    return await admin.list_redirects(deps, principal, site_id)


@router.post(
    "/sites/{site_id}/redirects", response_model=RedirectsWritten, tags=["redirects"], summary="Add legacy URLs"
)
async def post_redirects(
    deps: Deps, principal: CurrentPrincipal, site_id: SitePath, body: RedirectBatch
) -> RedirectsWritten:
    return await admin.put_redirects(deps, principal, site_id, body)


@router.delete("/sites/{site_id}/redirects", status_code=204, tags=["redirects"])
async def delete_redirect(
    deps: Deps,
    principal: CurrentPrincipal,
    site_id: SitePath,
    old_path: Annotated[str, Query(min_length=1, max_length=500, pattern=r"^/")],
) -> Response:
    await admin.delete_redirect(deps, principal, site_id, old_path)
    return Response(status_code=204)


@router.post("/sites/{site_id}/mirror", response_model=MirrorRebuilt, tags=["mirror"], summary="Rebuild the mirror")
async def rebuild_mirror(deps: Deps, mirror: Mirror, principal: CurrentPrincipal, site_id: SitePath) -> MirrorRebuilt:
    files = await admin.rebuild_mirror(deps, mirror, principal, site_id)
    return MirrorRebuilt(site_id=site_id, files=files)


@router.get("/cache", response_model=CacheStats, tags=["operations"])
async def cache_stats(deps: Deps, mirror: Mirror, principal: CurrentPrincipal) -> CacheStats:
    if not principal.is_platform_operator():
        raise Forbidden("只有平台运维人员（platform_operator 角色）可以查看缓存统计", code="needs_role")
    cache = deps.cache
    return CacheStats(
        pages=len(cache), hits=cache.hits, misses=cache.misses, mirror_files_written=mirror.written,
        mirror_pending=mirror.pending,
    )  # fmt: skip
