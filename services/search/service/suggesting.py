"""Completions while typing (titles that start with the words, and what others searched) and click pings."""

from __future__ import annotations

from datetime import timedelta

from services.search.engines.base import Filters
from services.search.models import Click
from services.search.schemas import Suggestions
from services.search.service.context import SearchDeps
from shared.clock import utcnow
from shared.errors import NotFound

QUERY_MEMORY = timedelta(days=90)
LIMIT = 8


async def suggest(deps: SearchDeps, prefix: str, site_id: str, scope: str) -> Suggestions:
    if site_id not in deps.sites:
        raise NotFound(f"site: 平台上没有站点 {site_id}")
    prefix = " ".join(prefix.split())
    async with deps.platform_uow() as uow:
        asked = await uow.repo.recent_queries(site_id, utcnow() - QUERY_MEMORY, prefix, LIMIT)
    tokens = deps.analyzer.index_tokens(prefix)
    titles: list[str] = []
    if tokens:
        filters = Filters(primary_only=True) if scope == "group" else Filters(sites=(site_id,))
        titles = await deps.engine.title_prefix(" ".join(_precise(deps, prefix)), filters, LIMIT)
    merged = list(dict.fromkeys([*asked, *titles]))[:LIMIT]
    return Suggestions(query=prefix, suggestions=merged)


def _precise(deps: SearchDeps, prefix: str) -> list[str]:
    """The typed words as the index holds them: each word's parts, in order (the last may be unfinished)."""
    return [atom for word in deps.analyzer.query_words(prefix) for atom in word.atoms]


async def record_click(deps: SearchDeps, site_id: str, query: str, url: str, position: int) -> None:
    if site_id not in deps.sites:
        raise NotFound(f"site: 平台上没有站点 {site_id}")
    async with deps.platform_uow() as uow:
        uow.record(Click, site_id=site_id, query=query, url=url, position=position, at=utcnow())
        await uow.commit()
