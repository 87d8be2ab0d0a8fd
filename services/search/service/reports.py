"""Search analytics for editors: a month of a site's searches — top queries, those that found nothing, those
corrected, and how often a result was followed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import case, func, select

from services.search.models import Click, QueryLog
from services.search.schemas import QueryStat, SearchAnalytics
from services.search.service.context import SearchDeps
from services.search.service.curating import check_curator
from shared.auth import Principal
from shared.clock import CHINA

TOP = 20


async def site_analytics(deps: SearchDeps, principal: Principal, site_id: str, month: date) -> SearchAnalytics:
    check_curator(deps, principal, site_id)
    start = datetime(month.year, month.month, 1, tzinfo=CHINA)
    end = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=CHINA)
    async with deps.platform_uow() as uow:
        clicks = dict(
            (
                await uow.session.execute(
                    select(Click.query, func.count())
                    .where(Click.site_id == site_id, Click.at >= start, Click.at < end)
                    .group_by(Click.query)
                )
            ).all()
        )
        zero = func.sum(case((QueryLog.results == 0, 1), else_=0))
        per_query = (
            select(QueryLog.query, func.count().label("n"), zero.label("zero"))
            .where(QueryLog.site_id == site_id, QueryLog.at >= start, QueryLog.at < end)
            .group_by(QueryLog.query)
        )
        rows = (await uow.session.execute(per_query)).all()
        corrected = (
            await uow.session.execute(
                select(QueryLog.query, func.count())
                .where(
                    QueryLog.site_id == site_id,
                    QueryLog.at >= start,
                    QueryLog.at < end,
                    QueryLog.corrected.is_not(None),
                )
                .group_by(QueryLog.query)
            )
        ).all()
    stats = [_stat(row.query, row.n, row.zero or 0, clicks.get(row.query, 0)) for row in rows]
    by_query = {stat.query: stat for stat in stats}
    return SearchAnalytics(
        site_id=site_id,
        month=f"{month:%Y-%m}",
        searches=sum(s.searches for s in stats),
        zero_result_searches=sum(s.zero_results for s in stats),
        clicks=sum(clicks.values()),
        top_queries=sorted(stats, key=lambda s: (-s.searches, s.query))[:TOP],
        zero_result_queries=sorted((s for s in stats if s.zero_results), key=lambda s: (-s.zero_results, s.query))[
            :TOP
        ],
        corrected_queries=[by_query[q] for q, _ in sorted(corrected, key=lambda c: -c[1])[:TOP] if q in by_query],
    )


def _stat(query: str, searches: int, zero: int, clicks: int) -> QueryStat:
    return QueryStat(
        query=query,
        searches=searches,
        zero_results=zero,
        clicks=clicks,
        click_through=round(clicks / searches, 3) if searches else 0.0,
    )
