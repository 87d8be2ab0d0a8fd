"""What the public API returns: the same snapshots the events carry."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from shared.events.content import DocumentSnapshot, Placement, PublicState, SiteSnapshot


class PublicListItem(BaseModel):
    id: int
    title: str
    url_path: str | None
    published_at: datetime | None
    kind: str
    source_site_id: str
    validity: str


class PublicDocument(BaseModel):
    """A live document with its snapshot; one taken down with its notice only (nothing of its text stays public)."""

    state: Literal[PublicState.LIVE, PublicState.WITHDRAWN, PublicState.REDIRECTED, PublicState.EXPIRED]
    title: str
    notice: str | None = None
    reason: str | None = None
    redirect_url: str | None = None
    document: DocumentSnapshot | None = None
    placements: list[Placement] = []


class PublicSite(SiteSnapshot):
    org_code: str
