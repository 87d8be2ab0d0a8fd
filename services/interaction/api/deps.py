"""Request-scoped inputs of the routes: the use-case dependencies, the caller, the writer's address, paths."""

from __future__ import annotations

import ipaddress
from typing import Annotated

from fastapi import Depends, Path, Query, Request

from services.interaction.service.context import Desk, InteractionDeps
from shared.auth import Principal
from shared.web import CurrentPrincipal, current_principal


async def get_deps(request: Request) -> InteractionDeps:
    return request.app.state.deps


async def optional_principal(request: Request) -> Principal | None:
    """The signed-in writer, if a token came; a letter needs no account."""
    if not request.headers.get("authorization"):
        return None
    return await current_principal(request)


SitePath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$", description="site id")]
IdPath = Annotated[int, Path(ge=1, le=2**53)]
CodePath = Annotated[str, Path(min_length=4, max_length=40, description="the letter's 查询码")]
UnitCode = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{0,39}$", description="the unit's code")]
PageNo = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=100)]


async def get_desk(site_id: SitePath, principal: CurrentPrincipal) -> Desk:
    return Desk.of(principal, site_id)


Deps = Annotated[InteractionDeps, Depends(get_deps)]
Writer = Annotated[Principal | None, Depends(optional_principal)]
DeskDep = Annotated[Desk, Depends(get_desk)]


def client_address(request: Request, deps: InteractionDeps) -> str:
    """The writer's address: walking X-Forwarded-For from the right past trusted proxies (the gateway, the
    renderer that forwards a page's form), the first address not theirs; the peer when it is not trusted."""
    trusted = set(deps.settings.trusted_proxies)
    address = request.client.host if request.client else "unknown"
    hops = [h.strip() for value in request.headers.getlist("x-forwarded-for") for h in value.split(",")]
    while address in trusted and hops:
        hop = hops.pop()
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            break
    return address
