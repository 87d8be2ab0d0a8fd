"""Queries of sites, their domains, channels, workflows and subscriptions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, bindparam, or_, select

from services.content.models import (
    BasicChannel,
    Channel,
    ChannelSubscription,
    Document,
    Placement,
    Site,
    SiteChange,
    SiteDomain,
    Workflow,
)
from services.content.repository.base import ALL_SITES, Queries
from shared.tenancy import TENANT_SITE, site_bound

# The publishing path's reads, built once (see UnitOfWork.execute for why Core).
_SITE_ROW = select(*Site.__table__.c).where(Site.id == bindparam("site_id"))
_CHANNEL_ROW = site_bound(
    select(Channel.id, Channel.site_id, Channel.name, Channel.path, Channel.kind, Channel.unit_code).where(
        Channel.id == bindparam("channel_id")
    ),
    Channel,
)
_SUBSCRIBERS = (
    select(ChannelSubscription.site_id, ChannelSubscription.channel_id)
    .where(ChannelSubscription.source_channel_id == bindparam("source_channel_id"))
    .order_by(ChannelSubscription.id)
    .execution_options(**ALL_SITES)
)
_WORKFLOWS_FOR = site_bound(
    select(Workflow.channel_id, Workflow.steps).where(
        or_(Workflow.channel_id == bindparam("channel_id"), Workflow.channel_id.is_(None))
    ),
    Workflow,
)


class SiteQueries(Queries):
    """Sites and what hangs off them; cross-site lookups say so with ALL_SITES."""

    async def site(self, site_id: str) -> Site | None:
        return await self.session.get(Site, site_id)

    async def site_row(self, site_id: str) -> Row | None:
        """A site's columns, read-only: what publishing and event snapshots need, without an ORM entity."""
        return (await self.run(_SITE_ROW, {"site_id": site_id})).first()

    async def sites(
        self,
        ids: Sequence[str] | None = None,
        *,
        status: str | None = None,
        level: str | None = None,
        parent_id: str | None = None,
    ) -> list[Site]:
        stmt = select(Site).order_by(Site.id)
        if ids is not None:
            stmt = stmt.where(Site.id.in_(ids))
        if status:
            stmt = stmt.where(Site.status == status)
        if level:
            stmt = stmt.where(Site.level == level)
        if parent_id:
            stmt = stmt.where(Site.parent_id == parent_id)
        return await self._all(stmt)

    async def domains(self, site_ids: Sequence[str]) -> list[SiteDomain]:
        stmt = select(SiteDomain).where(SiteDomain.site_id.in_(site_ids)).order_by(SiteDomain.host)
        return await self._all(stmt.execution_options(**ALL_SITES))

    async def domain(self, host: str) -> SiteDomain | None:
        stmt = select(SiteDomain).where(SiteDomain.host == host).execution_options(**ALL_SITES)
        return await self.session.scalar(stmt)

    async def site_hosts(self, site: Site) -> list[tuple[str, bool]]:
        """(host, is_main) of a site, cached by the site's version (every domain change bumps it)."""
        key = (site.id, site.version)
        if key not in self.caches.domains:
            self.caches.domains[key] = [(d.host, d.is_main) for d in await self.domains([site.id])]
        return self.caches.domains[key]

    async def main_domains(self, site_ids: Sequence[str]) -> dict[str, str]:
        stmt = (
            select(SiteDomain.site_id, SiteDomain.host)
            .where(SiteDomain.site_id.in_(site_ids), SiteDomain.is_main.is_(True))
            .execution_options(**ALL_SITES)
        )
        return {row.site_id: row.host for row in (await self.session.execute(stmt)).all()}

    async def all_hosts(self) -> set[str]:
        stmt = select(SiteDomain.host).execution_options(**ALL_SITES)
        return set((await self.session.scalars(stmt)).all())

    async def basic_channels(self) -> list[BasicChannel]:
        return await self._all(select(BasicChannel).order_by(BasicChannel.position, BasicChannel.key))

    async def channel(self, channel_id: int, *, site_id: str | None = None) -> Channel | None:
        stmt = select(Channel).where(Channel.id == channel_id)
        if site_id is not None:
            stmt = stmt.where(Channel.site_id == site_id).execution_options(**ALL_SITES)
        return await self.session.scalar(stmt)

    async def channel_row(self, channel_id: int, site_id: str) -> Row | None:
        """A channel's id, site, name, path, kind and unit code, read-only."""
        return (await self.run(_CHANNEL_ROW, {TENANT_SITE: site_id, "channel_id": channel_id})).first()

    async def channels(self, site_id: str) -> list[Channel]:
        stmt = select(Channel).where(Channel.site_id == site_id).order_by(Channel.path)
        return await self._all(stmt)

    async def channel_by_path(self, site_id: str, path: str) -> Channel | None:
        stmt = select(Channel).where(Channel.site_id == site_id, Channel.path == path)
        return await self.session.scalar(stmt.execution_options(**ALL_SITES))

    async def channel_in_use(self, channel_id: int) -> bool:
        checks = (
            select(Channel.id).where(Channel.parent_id == channel_id),
            select(Placement.id).where(Placement.channel_id == channel_id),
            select(Document.id).where(Document.channel_id == channel_id),
        )
        for stmt in checks:
            if await self.session.scalar(stmt.limit(1).execution_options(**ALL_SITES)) is not None:
                return True
        return False

    async def workflows_for(self, site_id: str, channel_id: int) -> list[Row]:
        """(channel_id, steps) of the channel's own workflow and the site default, in one query."""
        return list((await self.run(_WORKFLOWS_FOR, {TENANT_SITE: site_id, "channel_id": channel_id})).all())

    async def workflow(self, site_id: str, channel_id: int | None) -> Workflow | None:
        cond = Workflow.channel_id.is_(None) if channel_id is None else Workflow.channel_id == channel_id
        return await self.session.scalar(select(Workflow).where(Workflow.site_id == site_id, cond))

    async def subscriptions(self, site_id: str, channel_id: int) -> list[ChannelSubscription]:
        stmt = (
            select(ChannelSubscription)
            .where(ChannelSubscription.site_id == site_id, ChannelSubscription.channel_id == channel_id)
            .order_by(ChannelSubscription.id)
        )
        return await self._all(stmt)

    async def subscribers(self, source_channel_id: int) -> list[Row]:
        """(site_id, channel_id) of the channels that take in what the source channel publishes."""
        return list((await self.run(_SUBSCRIBERS, {"source_channel_id": source_channel_id})).all())

    async def site_has(self, model: type, *conditions: object) -> bool:
        stmt = select(model).where(or_(*conditions) if len(conditions) > 1 else conditions[0]).limit(1)
        return await self.session.scalar(stmt) is not None

    async def site_change(self, change_id: int, *, for_update: bool = False) -> SiteChange | None:
        stmt = select(SiteChange).where(SiteChange.id == change_id).execution_options(**ALL_SITES)
        return await self.session.scalar(stmt.with_for_update() if for_update else stmt)

    async def site_changes(self, *, site_id: str | None, status: str | None) -> list[SiteChange]:
        stmt = select(SiteChange).execution_options(**ALL_SITES)
        if site_id is not None:
            stmt = stmt.where(SiteChange.site_id == site_id)
        if status is not None:
            stmt = stmt.where(SiteChange.status == status)
        return await self._all(stmt.order_by(SiteChange.id.desc()))
