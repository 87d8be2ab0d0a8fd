"""The platform operator's dashboard figures: every site's documents, review backlog and last publication."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from services.content.schemas.sites import SiteOverview
from services.content.service.context import Actor, ContentDeps
from services.content.service.permissions import require_operator

STALE_AFTER = timedelta(days=180)  # notices and policies: six months (news: two weeks, judged on the home page)


async def sites_overview(deps: ContentDeps, actor: Actor) -> list[SiteOverview]:
    require_operator(actor)
    async with deps.platform_uow() as uow:
        figures = await uow.repo.site_figures(deps.now() - STALE_AFTER)
    return [SiteOverview(**asdict(site)) for site in figures]
