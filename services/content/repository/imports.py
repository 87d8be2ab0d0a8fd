"""Queries of migrated documents: found by their legacy keys, their files by blob key, 索引号 checked free, and
a batch of them written set-based (a migration imports thousands a minute)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update

from services.content.models import Attachment, Document, LiveFile, Placement
from services.content.repository.base import ALL_SITES, Queries
from shared.tenancy import TENANT_SITE, site_bound

_COLUMNS = tuple(Document.__table__.c)
_BY_LEGACY_KEYS = site_bound(  # locked in id order, as every change of several documents is
    select(*_COLUMNS)
    .where(Document.legacy_key.in_(bindparam("legacy_keys", expanding=True)))
    # id + 0: the same order, but no index gives it, so SQLite finds the rows by (site, key); by `id` it walked
    # the whole site in ix_documents_site_id's order instead: 13 ms a run at 12,000 documents, and growing
    .order_by(Document.id + 0)
    .with_for_update(),
    Document,
)
_FILE_COLUMNS = (Attachment.id, Attachment.public_id, Attachment.filename, Attachment.kind, Attachment.blob_key)
_FILES_BY_BLOB = site_bound(
    select(*_FILE_COLUMNS).where(Attachment.blob_key.in_(bindparam("blob_keys", expanding=True))), Attachment
)
# Rows come back in no promised order (asking for the order makes SQLite insert them one by one): they are
# matched by their blob key or legacy key, unique in a batch.
_INSERT_FILES = insert(Attachment).returning(*_FILE_COLUMNS)
_INSERT_DOCUMENTS = insert(Document).returning(*_COLUMNS)
_INDEX_NUMBERS_TAKEN = (
    select(Document.index_number)
    .where(Document.index_number.in_(bindparam("numbers", expanding=True)))
    .execution_options(**ALL_SITES)
)
_ROWS = site_bound(select(*_COLUMNS).where(Document.id.in_(bindparam("doc_ids", expanding=True))), Document)
_ADD_PLACEMENTS = insert(Placement)
_ADD_LIVE_FILES = insert(LiveFile)
_first_changes: dict[tuple[str, ...], Any] = {}


def _first_change(columns: tuple[str, ...]) -> Any:
    """UPDATE of these columns of a document this transaction created (nothing else can have changed it)."""
    if columns not in _first_changes:
        values = {name: bindparam(f"new_{name}", type_=Document.__table__.c[name].type) for name in columns}
        stmt = update(Document).where(Document.id == bindparam("doc_id")).values(version=Document.version + 1, **values)
        _first_changes[columns] = site_bound(stmt, Document)
    return _first_changes[columns]


class ImportQueries(Queries):
    async def documents_by_legacy_keys(self, site_id: str, legacy_keys: Sequence[str]) -> dict[str, Row]:
        """The documents jobs brought from these legacy addresses before, locked for the re-run's update."""
        params = {TENANT_SITE: site_id, "legacy_keys": list(legacy_keys)}
        return {row.legacy_key: row for row in await self.run(_BY_LEGACY_KEYS, params)}

    async def files_by_blob_keys(self, site_id: str, blob_keys: Sequence[str]) -> dict[str, Row]:
        """A legacy file is stored once per content: a second page linking it shares the attachment."""
        if not blob_keys:
            return {}
        params = {TENANT_SITE: site_id, "blob_keys": sorted(set(blob_keys))}
        return {row.blob_key: row for row in await self.run(_FILES_BY_BLOB, params)}

    async def insert_files(self, rows: list[dict[str, Any]]) -> dict[str, Row]:
        """New attachments (of distinct blob keys), in one statement; their rows by blob key."""
        return {row.blob_key: row for row in await self.run(_INSERT_FILES, rows)} if rows else {}

    async def index_numbers_taken(self, numbers: Sequence[str]) -> set[str]:
        """索引号 are unique across the platform: a legacy one is kept only if no document has it yet."""
        if not numbers:
            return set()
        return set((await self.run(_INDEX_NUMBERS_TAKEN, {"numbers": sorted(set(numbers))})).scalars())

    async def insert_legacy_documents(self, rows: list[dict[str, Any]]) -> dict[str, Row]:
        """New documents of one site (of distinct legacy keys), one statement per set of columns given (an
        absent column takes its default); their rows by legacy key."""
        shapes: dict[frozenset[str], list[dict[str, Any]]] = {}
        for row in rows:
            shapes.setdefault(frozenset(row), []).append(row)
        return {row.legacy_key: row for same in shapes.values() for row in await self.run(_INSERT_DOCUMENTS, same)}

    async def change_created_documents(self, site_id: str, changes: list[tuple[Row, dict[str, Any]]]) -> list[Row]:
        """Write changes to many documents created in this transaction (version + 1 each, as `change_document`
        does), one statement per set of columns changed; the new rows back, in the order given."""
        if not changes:
            return []
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for doc, changed in changes:
            params = {f"new_{k}": v for k, v in changed.items()} | {TENANT_SITE: site_id, "doc_id": doc.id}
            shapes.setdefault(tuple(sorted(changed)), []).append(params)
        for columns, params in shapes.items():
            await self.run(_first_change(columns), params)
        ids = [doc.id for doc, _ in changes]
        rows = {row.id: row for row in await self.run(_ROWS, {TENANT_SITE: site_id, "doc_ids": ids})}
        return [rows[i] for i in ids]

    async def add_placements(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.run(_ADD_PLACEMENTS, rows)

    async def add_live_files(self, rows: list[dict[str, Any]]) -> None:
        """Files that documents going live for the first time show (none showed any before)."""
        if rows:
            await self.run(_ADD_LIVE_FILES, rows)
