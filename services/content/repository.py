"""Queries of the content service. Tenant-scoped tables are filtered to the session's site automatically;
methods that look across sites say so with `all_sites=True`."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.content.models import (
    Attachment,
    AuditEntry,
    BasicChannel,
    Channel,
    ChannelSubscription,
    Counter,
    Document,
    DocumentLink,
    DocumentRevision,
    Placement,
    PlatformCheckTerm,
    ReviewAction,
    Site,
    SiteCheckTerm,
    SiteDomain,
    Workflow,
)

ALL_SITES = {"all_sites": True}


@dataclass
class ContentCaches:
    """Per-process caches of rarely changing data, keyed so that they can never serve a stale answer
    (domains by site version) or only briefly (dictionaries, 10 s, and dropped here on every change)."""

    domains: dict[tuple[str, int], list[tuple[str, bool]]] = field(default_factory=dict)
    terms: dict[str, tuple[float, list]] = field(default_factory=dict)
    terms_ttl: float = 10.0


class ContentRepository:
    def __init__(self, session: AsyncSession, caches: ContentCaches | None = None) -> None:
        self.session = session
        self.caches = caches or ContentCaches()

    async def _count(self, stmt: Select) -> int:
        """Rows the statement would return, under the same tenant options as the statement itself."""
        counted = select(func.count()).select_from(stmt.order_by(None).subquery())
        return await self.session.scalar(counted.execution_options(**stmt.get_execution_options())) or 0

    async def _all(self, stmt: Select) -> list:
        return list((await self.session.scalars(stmt)).all())

    # sites -----------------------------------------------------------------------------------------
    async def site(self, site_id: str) -> Site | None:
        return await self.session.get(Site, site_id)

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

    # channels --------------------------------------------------------------------------------------
    async def basic_channels(self) -> list[BasicChannel]:
        return await self._all(select(BasicChannel).order_by(BasicChannel.position, BasicChannel.key))

    async def channel(self, channel_id: int, *, site_id: str | None = None) -> Channel | None:
        stmt = select(Channel).where(Channel.id == channel_id)
        if site_id is not None:
            stmt = stmt.where(Channel.site_id == site_id).execution_options(**ALL_SITES)
        return await self.session.scalar(stmt)

    async def channels(self, site_id: str) -> list[Channel]:
        stmt = select(Channel).where(Channel.site_id == site_id).order_by(Channel.path)
        return await self._all(stmt)

    async def channels_by_ids(self, ids: Sequence[int]) -> dict[int, Channel]:
        stmt = select(Channel).where(Channel.id.in_(ids)).execution_options(**ALL_SITES)
        return {c.id: c for c in await self._all(stmt)}

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

    async def workflows_for(self, site_id: str, channel_id: int) -> list[Workflow]:
        """The channel's own workflow and the site default, in one query."""
        stmt = select(Workflow).where(
            Workflow.site_id == site_id, or_(Workflow.channel_id == channel_id, Workflow.channel_id.is_(None))
        )
        return await self._all(stmt)

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

    async def subscribers(self, source_channel_id: int) -> list[ChannelSubscription]:
        stmt = select(ChannelSubscription).where(ChannelSubscription.source_channel_id == source_channel_id)
        return await self._all(stmt.execution_options(**ALL_SITES))

    # documents -------------------------------------------------------------------------------------
    async def document(self, doc_id: int, *, for_update: bool = False, any_site: bool = False) -> Document | None:
        stmt = select(Document).where(Document.id == doc_id)
        if for_update:
            stmt = stmt.with_for_update()
        if any_site:
            stmt = stmt.execution_options(**ALL_SITES)
        return await self.session.scalar(stmt)

    async def documents_page(
        self,
        site_id: str,
        *,
        channels: set[int] | None,
        workflow_state: str | None,
        public_state: str | None,
        channel_id: int | None,
        q: str | None,
        page: int,
        size: int,
    ) -> tuple[list[Document], int]:
        stmt = select(Document).where(Document.site_id == site_id)
        if channels is not None:
            stmt = stmt.where(Document.channel_id.in_(channels))
        if channel_id is not None:
            stmt = stmt.where(Document.channel_id == channel_id)
        if workflow_state:
            stmt = stmt.where(Document.workflow_state == workflow_state)
        if public_state:
            stmt = stmt.where(Document.public_state == public_state)
        if q:
            stmt = stmt.where(Document.title.contains(q, autoescape=True))
        total = await self._count(stmt)
        rows = await self._all(
            stmt.order_by(Document.updated_at.desc(), Document.id.desc()).offset((page - 1) * size).limit(size)
        )
        return rows, total or 0

    async def revision(self, doc_id: int, number: int) -> DocumentRevision | None:
        stmt = select(DocumentRevision).where(DocumentRevision.document_id == doc_id, DocumentRevision.number == number)
        return await self.session.scalar(stmt.execution_options(**ALL_SITES))

    async def revisions(self, doc_id: int) -> list[DocumentRevision]:
        stmt = select(DocumentRevision).where(DocumentRevision.document_id == doc_id).order_by(DocumentRevision.number)
        return await self._all(stmt)

    async def review_actions(self, doc_id: int) -> list[ReviewAction]:
        stmt = select(ReviewAction).where(ReviewAction.document_id == doc_id).order_by(ReviewAction.id)
        return await self._all(stmt)

    async def due_for_publication(self, now: datetime, limit: int = 100) -> list[tuple[int, str]]:
        stmt = (
            select(Document.id, Document.site_id)
            .where(Document.workflow_state == "scheduled", Document.publish_at <= now)
            .order_by(Document.publish_at)
            .limit(limit)
        )
        return [tuple(r) for r in (await self.session.execute(stmt.execution_options(**ALL_SITES))).all()]

    async def due_for_expiry(self, now: datetime, limit: int = 100) -> list[tuple[int, str]]:
        stmt = (
            select(Document.id, Document.site_id)
            .where(Document.public_state == "live", Document.expires_at <= now)
            .order_by(Document.expires_at)
            .limit(limit)
        )
        return [tuple(r) for r in (await self.session.execute(stmt.execution_options(**ALL_SITES))).all()]

    async def live_documents(self, ids: Sequence[int]) -> dict[int, Document]:
        stmt = select(Document).where(Document.id.in_(ids), Document.public_state == "live")
        return {d.id: d for d in await self._all(stmt.execution_options(**ALL_SITES))}

    async def library(self, q: str | None, site_id: str | None, page: int, size: int) -> tuple[list[Document], int]:
        """The shared resource library: live documents of every site, to repost or link."""
        stmt = select(Document).where(Document.public_state == "live")
        if site_id:
            stmt = stmt.where(Document.site_id == site_id)
        if q:
            stmt = stmt.where(Document.title.contains(q, autoescape=True))
        stmt = stmt.execution_options(**ALL_SITES)
        total = await self._count(stmt)
        rows = await self._all(stmt.order_by(Document.published_at.desc()).offset((page - 1) * size).limit(size))
        return rows, total or 0

    # placements and links --------------------------------------------------------------------------
    async def placements_of(self, doc_id: int) -> list[Placement]:
        stmt = select(Placement).where(Placement.document_id == doc_id).order_by(Placement.id)
        return await self._all(stmt.execution_options(**ALL_SITES))

    async def placement(self, placement_id: int) -> Placement | None:
        return await self.session.scalar(select(Placement).where(Placement.id == placement_id))

    async def listing(self, site_id: str, channel_id: int, page: int, size: int) -> tuple[list[tuple], int]:
        """Live documents placed in one channel of a site, newest first."""
        base = (
            select(Placement, Document)
            .join(Document, Document.id == Placement.document_id)
            .where(Placement.site_id == site_id, Placement.channel_id == channel_id, Document.public_state == "live")
            .execution_options(**ALL_SITES)
        )
        total = await self._count(base)
        rows = (
            await self.session.execute(
                base.order_by(Placement.published_at.desc(), Placement.id.desc()).offset((page - 1) * size).limit(size)
            )
        ).all()
        return [tuple(r) for r in rows], total or 0

    async def document_at(self, site_id: str, url_path: str) -> int | None:
        stmt = select(Placement.document_id).where(Placement.site_id == site_id, Placement.url_path == url_path)
        return await self.session.scalar(stmt.limit(1))

    async def live_url_paths(self, site_id: str, paths: Sequence[str]) -> set[str]:
        stmt = (
            select(Placement.url_path)
            .join(Document, Document.id == Placement.document_id)
            .where(Placement.site_id == site_id, Placement.url_path.in_(paths), Document.public_state == "live")
        )
        return set((await self.session.scalars(stmt.execution_options(**ALL_SITES))).all())

    async def links_of(self, doc_id: int) -> list[DocumentLink]:
        """Links where the document is the policy or the interpretation, in one query."""
        stmt = select(DocumentLink).where(
            or_(DocumentLink.policy_id == doc_id, DocumentLink.interpretation_id == doc_id)
        )
        return await self._all(stmt.execution_options(**ALL_SITES))

    async def placement_rows(self, doc_id: int) -> list[tuple]:
        """Every placement of a document with its channel and the site's main domain, in one query."""
        stmt = (
            select(Placement, Channel.path, Channel.name, SiteDomain.host)
            .join(Channel, Channel.id == Placement.channel_id)
            .outerjoin(SiteDomain, (SiteDomain.site_id == Placement.site_id) & SiteDomain.is_main.is_(True))
            .where(Placement.document_id == doc_id)
            .order_by(Placement.id)
        )
        return [tuple(r) for r in (await self.session.execute(stmt.execution_options(**ALL_SITES))).all()]

    async def links_from(self, interpretation_id: int) -> list[DocumentLink]:
        stmt = select(DocumentLink).where(DocumentLink.interpretation_id == interpretation_id)
        return await self._all(stmt.execution_options(**ALL_SITES))

    async def links_to(self, policy_id: int) -> list[DocumentLink]:
        stmt = select(DocumentLink).where(DocumentLink.policy_id == policy_id)
        return await self._all(stmt.execution_options(**ALL_SITES))

    async def documents_by_ids(self, ids: Sequence[int]) -> dict[int, Document]:
        if not ids:
            return {}
        stmt = select(Document).where(Document.id.in_(ids)).execution_options(**ALL_SITES)
        return {d.id: d for d in await self._all(stmt)}

    # attachments -----------------------------------------------------------------------------------
    async def attachments(self, ids: Sequence[int], *, site_id: str) -> dict[int, Attachment]:
        if not ids:
            return {}
        stmt = select(Attachment).where(Attachment.id.in_(ids), Attachment.site_id == site_id)
        return {a.id: a for a in await self._all(stmt.execution_options(**ALL_SITES))}

    async def mark_attachments_public(self, site_id: str, ids: Sequence[int]) -> None:
        for attachment in (await self.attachments(ids, site_id=site_id)).values():
            attachment.public = True

    async def attachment(self, attachment_id: int) -> Attachment | None:
        return await self.session.scalar(select(Attachment).where(Attachment.id == attachment_id))

    # dictionaries, audit, counters -----------------------------------------------------------------
    async def check_terms(self, site_id: str) -> list[PlatformCheckTerm | SiteCheckTerm]:
        """Platform and site dictionaries; cached briefly, since every pre-publish check reads them."""
        cached = self.caches.terms.get(site_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        platform = await self._all(select(PlatformCheckTerm))
        own = await self._all(select(SiteCheckTerm).where(SiteCheckTerm.site_id == site_id))
        self.caches.terms[site_id] = (time.monotonic() + self.caches.terms_ttl, [*platform, *own])
        return self.caches.terms[site_id][1]

    def forget_terms(self) -> None:
        self.caches.terms.clear()

    async def platform_terms(self) -> list[PlatformCheckTerm]:
        return await self._all(select(PlatformCheckTerm).order_by(PlatformCheckTerm.kind, PlatformCheckTerm.term))

    async def site_terms(self, site_id: str) -> list[SiteCheckTerm]:
        stmt = select(SiteCheckTerm).where(SiteCheckTerm.site_id == site_id)
        return await self._all(stmt.order_by(SiteCheckTerm.kind, SiteCheckTerm.term))

    async def audit_page(
        self, site_id: str, *, entity: str | None, entity_id: str | None, page: int, size: int
    ) -> tuple[list[AuditEntry], int]:
        stmt = select(AuditEntry).where(AuditEntry.site_id == site_id)
        if entity:
            stmt = stmt.where(AuditEntry.entity == entity)
        if entity_id:
            stmt = stmt.where(AuditEntry.entity_id == entity_id)
        total = await self._count(stmt)
        rows = await self._all(stmt.order_by(AuditEntry.id.desc()).offset((page - 1) * size).limit(size))
        return rows, total or 0

    async def next_value(self, site_id: str, name: str) -> int:
        """Gap-free counter: one upsert that returns the new value (row-locked on PostgreSQL)."""
        dialect = self.session.bind.dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert(Counter).values(site_id=site_id, name=name, value=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Counter.site_id, Counter.name], set_={"value": Counter.value + 1}
        ).returning(Counter.value)
        return (await self.session.execute(stmt)).scalar_one()

    async def site_has(self, model: type, *conditions: object) -> bool:
        stmt = select(model).where(or_(*conditions) if len(conditions) > 1 else conditions[0]).limit(1)
        return await self.session.scalar(stmt) is not None
