"""Entries of the check dictionaries (敏感词, 严重表述错误)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from services.content.schemas.common import ReadModel, Schema, text

CheckKind = Literal["sensitive", "wording"]


class TopicCategoryCreate(Schema):
    name: text(40) = Field(description="a province's own 主题分类, e.g. 长三角一体化")
    position: int = Field(1000, ge=0, le=100_000, description="where it sorts among the others")


class TopicCategoryRead(ReadModel):
    name: str
    position: int
    national: bool = Field(description="one of the national list the platform ships")


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
