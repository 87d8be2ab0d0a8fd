"""Queries of documents, their history, schedules, the library and attachments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Update, bindparam, delete, insert, select, update

from services.content.lifecycle import WorkflowState
from services.content.models import Attachment, Document, DocumentRevision, LiveFile, Placement, ReviewAction
from services.content.repository.base import ALL_SITES, Queries
from shared.errors import Conflict
from shared.events.content import PublicState
from shared.tenancy import TENANT_SITE, site_bound

# The document use cases work on plain rows through these statements, built once: reading a document as
# a row and writing its changes back costs ~100 µs a call against ~200 µs for an ORM entity and its flush.
_COLUMNS = tuple(Document.__table__.c)
_BY_ID = Document.id == bindparam("doc_id")
_DOCUMENT_ROW = site_bound(select(*_COLUMNS).where(_BY_ID), Document)
_DOCUMENT_ROW_FOR_UPDATE = site_bound(select(*_COLUMNS).where(_BY_ID).with_for_update(), Document)
# Work that spans sites by nature (reposts, pushes, links, subscriptions) reads documents of any site.
_BY_ID_IN = Document.id.in_(bindparam("doc_ids", expanding=True))
_SITE_ROWS = site_bound(select(*_COLUMNS).where(_BY_ID_IN).order_by(Document.id), Document)
_SITE_ROWS_FOR_UPDATE = site_bound(select(*_COLUMNS).where(_BY_ID_IN).order_by(Document.id).with_for_update(), Document)
_SEEN_AFTER = site_bound(  # a replay's pages: what the public has seen of a site, by id
    select(*_COLUMNS)
    .where(Document.public_state != PublicState.UNPUBLISHED, Document.id > bindparam("after"))
    .order_by(Document.id)
    .limit(bindparam("limit")),
    Document,
)
_ROWS_ANY_SITE = select(*_COLUMNS).where(_BY_ID_IN).order_by(Document.id).execution_options(**ALL_SITES)
_ROWS_ANY_SITE_FOR_UPDATE = (
    select(*_COLUMNS).where(_BY_ID_IN).order_by(Document.id).with_for_update().execution_options(**ALL_SITES)
)
_INSERT_DOCUMENT = insert(Document).returning(*_COLUMNS)
_DELETE_DOCUMENT = site_bound(delete(Document).where(_BY_ID), Document)
_ROUNDS = site_bound(
    select(ReviewAction.document_id, ReviewAction.revision, ReviewAction.actor, ReviewAction.action)
    .where(ReviewAction.document_id.in_(bindparam("doc_ids", expanding=True)))
    .order_by(ReviewAction.document_id, ReviewAction.id),
    ReviewAction,
)
_ATTACHMENTS = (
    select(*Attachment.__table__.c)
    .where(Attachment.id.in_(bindparam("ids", expanding=True)), Attachment.site_id == bindparam("site_id"))
    .execution_options(**ALL_SITES)
)
_DROP_LIVE_FILES = site_bound(delete(LiveFile).where(LiveFile.document_id == bindparam("doc_id")), LiveFile)
_ADD_LIVE_FILE = insert(LiveFile)
_changes: dict[tuple[str, ...], Update] = {}


def _change_statement(columns: tuple[str, ...]) -> Update:
    """UPDATE of these columns plus the version, applied only if the row is still at the version read."""
    if columns not in _changes:
        table = Document.__table__
        values = {name: bindparam(f"new_{name}", type_=table.c[name].type) for name in columns}
        stmt = (
            update(Document)
            .where(_BY_ID, Document.version == bindparam("read_version"))
            .values(version=Document.version + 1, **values)
            .returning(*_COLUMNS)
        )
        _changes[columns] = site_bound(stmt, Document)
    return _changes[columns]


class DocumentQueries(Queries):
    """Documents of the scope's site, unless a method says it looks across sites."""

    async def document_row(self, doc_id: int, *, for_update: bool = False) -> Row | None:
        """A document of the scope's site as a read-only row (locked for the transaction if for_update: read
        this way before `change_document`, so that a concurrent change waits instead of failing)."""
        stmt = _DOCUMENT_ROW_FOR_UPDATE if for_update else _DOCUMENT_ROW
        return (await self.run(stmt, {TENANT_SITE: self.site_id, "doc_id": doc_id})).first()

    async def seen_rows_after(self, after: int, limit: int) -> list[Row]:
        """The scope site's documents that were ever public (any state but unpublished), after an id."""
        return list(await self.run(_SEEN_AFTER, {TENANT_SITE: self.site_id, "after": after, "limit": limit}))

    async def site_document_rows(self, doc_ids: Sequence[int], *, for_update: bool = False) -> dict[int, Row]:
        """Documents of the scope's site by id, locked in id order if for_update (bulk marks)."""
        if not doc_ids:
            return {}
        stmt = _SITE_ROWS_FOR_UPDATE if for_update else _SITE_ROWS
        params = {TENANT_SITE: self.site_id, "doc_ids": sorted(set(doc_ids))}
        return {row.id: row for row in await self.run(stmt, params)}

    async def document_rows(self, doc_ids: Sequence[int], *, for_update: bool = False) -> dict[int, Row]:
        """Documents of any site by id (platform work: reposts, pushes, links), locked in id order if
        for_update, so that two transactions locking several documents never wait for each other in a circle."""
        if not doc_ids:
            return {}
        stmt = _ROWS_ANY_SITE_FOR_UPDATE if for_update else _ROWS_ANY_SITE
        return {row.id: row for row in await self.run(stmt, {"doc_ids": sorted(set(doc_ids))})}

    async def insert_document(self, values: dict[str, Any]) -> Row:
        return (await self.run(_INSERT_DOCUMENT, values)).one()

    async def change_document(self, doc: Row, changes: dict[str, Any]) -> Row:
        """Write `changes` to a document read in this transaction and return the new row (version + 1)."""
        params = {f"new_{name}": value for name, value in changes.items()}
        params |= {TENANT_SITE: doc.site_id, "doc_id": doc.id, "read_version": doc.version}
        changed = (await self.run(_change_statement(tuple(sorted(changes))), params)).first()
        if changed is None:
            raise Conflict(f"稿件 {doc.id} 已被他人修改，请刷新后重试")
        return changed

    async def delete_document(self, doc: Row) -> None:
        await self.run(_DELETE_DOCUMENT, {TENANT_SITE: doc.site_id, "doc_id": doc.id})

    async def documents_page(
        self,
        site_id: str,
        *,
        channels: set[int] | None,
        workflow_state: str | None,
        public_state: str | None,
        channel_id: int | None,
        validity: str | None = None,
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
        if validity:
            stmt = stmt.where(Document.validity == validity)
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

    async def review_round(self, doc: Row) -> tuple[set[str], set[str]]:
        """Who submitted the document's review now under way, and who has decided at its earlier steps."""
        return (await self.review_rounds([doc]))[doc.id]

    async def review_rounds(self, docs: list[Row]) -> dict[int, tuple[set[str], set[str]]]:
        """review_round of many documents in one statement (a reviewer's queue)."""
        if not docs:
            return {}
        revision_of = {doc.id: doc.revision for doc in docs}
        rounds: dict[int, tuple[set[str], set[str]]] = {doc.id: (set(), set()) for doc in docs}
        params = {TENANT_SITE: docs[0].site_id, "doc_ids": list(revision_of)}
        for doc_id, revision, actor, action in await self.run(_ROUNDS, params):
            if revision != revision_of[doc_id]:
                continue
            if action == "submit":  # a new round begins (a rejected draft submitted again)
                rounds[doc_id] = ({actor}, set())
            elif action == "approve":
                rounds[doc_id][1].add(actor)
        return rounds

    async def review_actions(self, doc_id: int) -> list[ReviewAction]:
        stmt = select(ReviewAction).where(ReviewAction.document_id == doc_id).order_by(ReviewAction.id)
        return await self._all(stmt)

    async def due_for_publication(self, now: datetime, limit: int = 100) -> list[tuple[int, str]]:
        stmt = (
            select(Document.id, Document.site_id)
            .where(Document.workflow_state == WorkflowState.SCHEDULED, Document.publish_at <= now)
            .order_by(Document.publish_at)
            .limit(limit)
        )
        return [tuple(r) for r in (await self.session.execute(stmt.execution_options(**ALL_SITES))).all()]

    async def due_for_expiry(self, now: datetime, limit: int = 100) -> list[tuple[int, str]]:
        stmt = (
            select(Document.id, Document.site_id)
            .where(Document.public_state == PublicState.LIVE, Document.expires_at <= now)
            .order_by(Document.expires_at)
            .limit(limit)
        )
        return [tuple(r) for r in (await self.session.execute(stmt.execution_options(**ALL_SITES))).all()]

    async def library(self, q: str | None, site_id: str | None, page: int, size: int) -> tuple[list[Document], int]:
        """The shared resource library: live documents of every site, to repost or link, found by the title the
        public sees (a working copy under review is nobody else's business)."""
        stmt = select(Document).where(Document.public_state == PublicState.LIVE)
        if site_id:
            stmt = stmt.where(Document.site_id == site_id)
        if q:
            stmt = stmt.where(Document.live_title.contains(q, autoescape=True))
        stmt = stmt.execution_options(**ALL_SITES)
        total = await self._count(stmt)
        rows = await self._all(stmt.order_by(Document.published_at.desc()).offset((page - 1) * size).limit(size))
        return rows, total or 0

    async def attachments(self, ids: Sequence[int], *, site_id: str) -> dict[int, Row]:
        """A site's attachments by id, as read-only rows (every document event reads its files)."""
        if not ids:
            return {}
        return {a.id: a for a in await self.run(_ATTACHMENTS, {"ids": list(ids), "site_id": site_id})}

    async def show_live_files(self, doc: Row, attachment_ids: Sequence[int]) -> None:
        """The files the document's live revision shows, instead of those its last one showed."""
        await self.run(_DROP_LIVE_FILES, {TENANT_SITE: doc.site_id, "doc_id": doc.id})
        rows = [
            {"site_id": doc.site_id, "document_id": doc.id, "attachment_id": i} for i in sorted(set(attachment_ids))
        ]
        if rows:
            await self.run(_ADD_LIVE_FILE, rows)

    async def hide_live_files(self, doc: Row) -> None:
        """The document is down: none of its files is public any more."""
        await self.run(_DROP_LIVE_FILES, {TENANT_SITE: doc.site_id, "doc_id": doc.id})

    async def public_file(self, public_id: str, site_id: str) -> Attachment | None:
        """A file shown by a live document that is placed on `site_id` (its own site's, or a repost's)."""
        # The placement is asked of each live document showing the file (EXISTS), not joined: joined, SQLite walked
        # every placement of the site for each request (25 ms at 100,000 documents; now a lookup by document).
        placed = select(Placement.id).where(Placement.document_id == LiveFile.document_id, Placement.site_id == site_id)
        stmt = (
            select(Attachment)
            .join(LiveFile, LiveFile.attachment_id == Attachment.id)
            .where(Attachment.public_id == public_id, placed.exists())
            .limit(1)
            .execution_options(**ALL_SITES)
        )
        return await self.session.scalar(stmt)

    async def attachment_by_public_id(self, public_id: str, *, site_id: str) -> Attachment | None:
        stmt = select(Attachment).where(Attachment.public_id == public_id, Attachment.site_id == site_id)
        return await self.session.scalar(stmt.execution_options(**ALL_SITES))

    async def attachment(self, attachment_id: int) -> Attachment | None:
        return await self.session.scalar(select(Attachment).where(Attachment.id == attachment_id))
