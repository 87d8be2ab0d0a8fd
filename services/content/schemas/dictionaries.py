"""Entries of the check dictionaries (敏感词, 严重表述错误)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from services.content.schemas.common import ReadModel, Schema, text

CheckKind = Literal["sensitive", "wording"]


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
