"""Queries of migrated documents: found by their legacy key, their files by blob key, 索引号 checked free."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, bindparam, insert, select

from services.content.models import Attachment, Document
from services.content.repository.base import ALL_SITES, Queries
from shared.tenancy import TENANT_SITE, site_bound

_COLUMNS = tuple(Document.__table__.c)
_BY_LEGACY_KEY = site_bound(
    select(*_COLUMNS).where(Document.legacy_key == bindparam("legacy_key")).with_for_update(), Document
)
_FILE_BY_BLOB = site_bound(
    select(Attachment.id, Attachment.public_id, Attachment.filename, Attachment.kind).where(
        Attachment.blob_key == bindparam("blob_key")
    ),
    Attachment,
)
_INSERT_FILE = insert(Attachment).returning(Attachment.id, Attachment.public_id, Attachment.filename, Attachment.kind)
_INDEX_NUMBER_TAKEN = (
    select(Document.id).where(Document.index_number == bindparam("number")).execution_options(**ALL_SITES)
)


class ImportQueries(Queries):
    async def document_by_legacy_key(self, site_id: str, legacy_key: str) -> Row | None:
        """The document a job brought from this legacy address before, locked for the re-run's update."""
        return (await self.run(_BY_LEGACY_KEY, {TENANT_SITE: site_id, "legacy_key": legacy_key})).first()

    async def file_by_blob_key(self, site_id: str, blob_key: str) -> Row | None:
        """A legacy file is stored once per content: a second page linking it shares the attachment."""
        return (await self.run(_FILE_BY_BLOB, {TENANT_SITE: site_id, "blob_key": blob_key})).first()

    async def insert_file(self, values: dict[str, Any]) -> Row:
        return (await self.run(_INSERT_FILE, values)).one()

    async def index_number_taken(self, number: str) -> bool:
        """索引号 are unique across the platform: a legacy one is kept only if no document has it yet."""
        return (await self.run(_INDEX_NUMBER_TAKEN, {"number": number})).first() is not None
