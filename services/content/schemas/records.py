"""Attachments, check dictionaries and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from services.content.schemas.common import ReadModel, Schema, text

CheckKind = Literal["sensitive", "wording"]


class AttachmentRead(ReadModel):
    id: int
    site_id: str
    kind: Literal["image", "file"]
    filename: str
    content_type: str
    size: int
    sha256: str
    width: int | None
    height: int | None
    renditions: dict[str, str]
    created_at: datetime


class CheckTermCreate(Schema):
    kind: CheckKind
    term: text(100)
    suggestion: text(100) | None = None
    note: text(200, 0) | None = None


class CheckTermRead(ReadModel):
    id: int
    kind: CheckKind
    term: str
    suggestion: str | None
    note: str | None
    created_by: str
    created_at: datetime


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
