"""Entries of the content audit log."""

from __future__ import annotations

from datetime import datetime

from services.content.schemas.common import ReadModel


class AuditEntryRead(ReadModel):
    id: int
    site_id: str
    actor: str
    action: str
    entity: str
    entity_id: str
    details: dict
    request_id: str | None
    at: datetime
