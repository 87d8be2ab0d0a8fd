"""Request-scoped inputs of the routes: the use cases' deps, who migrates, the paths."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from services.transition.service.context import Migrator, TransitionDeps
from shared.web import CurrentPrincipal

SitePath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$", description="the target site's id")]
JobPath = Annotated[int, Path(ge=1, le=2**53, description="the job's number")]


async def get_deps(request: Request) -> TransitionDeps:
    return request.app.state.deps


async def get_migrator(site_id: SitePath, principal: CurrentPrincipal) -> Migrator:
    return Migrator.of(principal, site_id)


Deps = Annotated[TransitionDeps, Depends(get_deps)]
MigratorDep = Annotated[Migrator, Depends(get_migrator)]
