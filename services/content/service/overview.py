"""The platform operator's dashboard figures: every site's documents, review backlog and last publication."""

from __future__ import annotations

from dataclasses import asdict

from services.content.schemas.sites import SiteOverview
from services.content.service.context import Actor, ContentDeps
from services.content.service.permissions import require_operator


async def sites_overview(deps: ContentDeps, actor: Actor) -> list[SiteOverview]:
    require_operator(actor)
    async with deps.platform_uow() as uow:
        return [SiteOverview(**asdict(figures)) for figures in await uow.repo.site_figures()]
