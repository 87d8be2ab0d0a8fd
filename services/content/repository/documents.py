"""Queries of documents, their history, schedules, the library and attachments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, select

from services.content.models import Attachment, Document, DocumentRevision, ReviewAction
from services.content.repository.base import ALL_SITES, Queries
from shared.tenancy import TENANT_SITE, site_bound

_DOCUMENT = site_bound(select(Document).where(Document.id == bindparam("doc_id")), Document)
_DOCUMENT_FOR_UPDATE = site_bound(
    select(Document).where(Document.id == bindparam("doc_id")).with_for_update(), Document
)


class DocumentQueries(Queries):
    """Documents of the scope's site, unless a method says it looks across sites."""

    async def document(self, doc_id: int, *, for_update: bool = False, any_site: bool = False) -> Document | None:
        if self.site_id is not None and not any_site:
            prebuilt = _DOCUMENT_FOR_UPDATE if for_update else _DOCUMENT
            return await self.session.scalar(prebuilt, {TENANT_SITE: self.site_id, "doc_id": doc_id})
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
