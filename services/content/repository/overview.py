"""The platform operator's view across sites: how much each holds, what waits in review, when it last published."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import case, func, or_, select

from services.content.lifecycle import WorkflowState
from services.content.models import Channel, Document, Site
from services.content.repository.base import ALL_SITES, Queries
from shared.events.content import PublicState


@dataclass(frozen=True, slots=True)
class SiteFigures:
    site_id: str
    name: str
    level: str
    status: str
    documents: int
    live: int
    drafts: int
    in_review: int
    oldest_in_review: datetime | None  # when the longest-waiting document in review was last changed
    last_published: datetime | None
    stale_channels: int = 0  # list channels empty, or without a publication since `stale_before`


class OverviewQueries(Queries):
    async def site_figures(self, stale_before: datetime) -> list[SiteFigures]:
        """One row per site, every site (two grouped queries, however many sites)."""
        stale = await self._stale_channels(stale_before)
        return [replace(f, stale_channels=stale.get(f.site_id, 0)) for f in await self._figures()]

    async def _stale_channels(self, before: datetime) -> dict[str, int]:
        """Per site, the list channels that are empty or whose newest live document is older than `before`."""
        live = Document.public_state == PublicState.LIVE
        newest = select(Document.channel_id, func.max(Document.published_at).label("newest")).where(live)
        newest = newest.group_by(Document.channel_id).subquery()
        quiet = or_(newest.c.newest.is_(None), newest.c.newest < before)
        stmt = (
            select(Channel.site_id, func.count())
            .outerjoin(newest, newest.c.channel_id == Channel.id)
            .where(Channel.kind == "list", quiet)
            .group_by(Channel.site_id)
            .execution_options(**ALL_SITES)
        )
        return {site_id: count for site_id, count in (await self.session.execute(stmt)).all()}

    async def _figures(self) -> list[SiteFigures]:
        in_review = Document.workflow_state == WorkflowState.IN_REVIEW
        counts = (
            select(
                Document.site_id,
                func.count().label("documents"),
                func.sum(case((Document.public_state == PublicState.LIVE, 1), else_=0)).label("live"),
                func.sum(case((Document.workflow_state == WorkflowState.DRAFT, 1), else_=0)).label("drafts"),
                func.sum(case((in_review, 1), else_=0)).label("in_review"),
                func.min(case((in_review, Document.updated_at), else_=None)).label("oldest_in_review"),
                func.max(Document.published_at).label("last_published"),
            )
            .group_by(Document.site_id)
            .subquery()
        )
        stmt = (
            select(Site.id, Site.name, Site.level, Site.status, counts)
            .outerjoin(counts, counts.c.site_id == Site.id)
            .order_by(Site.id)
            .execution_options(**ALL_SITES)
        )
        return [_figures(row) for row in (await self.session.execute(stmt)).all()]


def _figures(row) -> SiteFigures:
    return SiteFigures(
        site_id=row.id,
        name=row.name,
        level=row.level,
        status=row.status,
        documents=row.documents or 0,
        live=row.live or 0,
        drafts=row.drafts or 0,
        in_review=row.in_review or 0,
        oldest_in_review=row.oldest_in_review,
        last_published=row.last_published,
    )
