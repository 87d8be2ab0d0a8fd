"""Queries of migrated documents: found by their legacy keys, their files by blob key, 索引号 checked free, and
a batch of them written set-based (a migration imports thousands a minute)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, bindparam, func, insert, select, text

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
_ADD_PLACEMENTS = insert(Placement)
_ADD_LIVE_FILES = insert(LiveFile)
# A migrated document is inserted live, its address (which names its id) already in it: the ids are taken first.
_NEW_IDS = {
    # SQLite gives a new row the largest id + 1 too; should another process write between this read and the
    # insert, SQLite refuses the insert (the read is stale) and the batch is retried: ids never collide
    "sqlite": select(func.max(Document.id)).execution_options(**ALL_SITES),
    "postgresql": text(
        "SELECT nextval(pg_get_serial_sequence('documents', 'id')) FROM generate_series(1, :n)"
    ).execution_options(**ALL_SITES),
}


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

    async def new_document_ids(self, count: int) -> list[int]:
        """The ids the next `count` documents take (in PostgreSQL from the table's sequence)."""
        if not count:
            return []
        dialect = self.session.bind.dialect.name
        if dialect == "sqlite":
            last = (await self.run(_NEW_IDS[dialect], {})).scalar() or 0
            return list(range(last + 1, last + count + 1))
        return list((await self.run(_NEW_IDS[dialect], {"n": count})).scalars())

    async def add_placements(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.run(_ADD_PLACEMENTS, rows)

    async def add_live_files(self, rows: list[dict[str, Any]]) -> None:
        """Files that documents going live for the first time show (none showed any before)."""
        if rows:
            await self.run(_ADD_LIVE_FILES, rows)
