"""Attachments and images as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from services.content.schemas.common import ReadModel


class AttachmentRead(ReadModel):
    id: int
    public_id: str = Field(description="its public name: /files/<public_id>/<filename> once a live document shows it")
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
