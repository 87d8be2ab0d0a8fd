"""Projections of another service's aggregate kept as its newest snapshot (the sites a service follows from
content.sites): a row of (id, version, snapshot) that an older or repeated event never overwrites."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Integer, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.db.types import Json


class SiteSnapshot:
    """The columns of a service's `sites` table: each site as its newest content.site event described it."""

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(Json)


class SnapshotRow(Protocol):
    id: Any
    version: int
    snapshot: dict[str, Any]


async def keep_newest(
    session: AsyncSession, model: type[SnapshotRow], key: Any, version: int, snapshot: dict[str, Any]
) -> bool:
    """Insert or replace the row of `key` with `snapshot` unless it already holds `version` or a newer one;
    True when it changed (at-least-once delivery repeats events, and partitions may bring an older one late)."""
    row = await session.get(model, key)
    if row is not None and row.version >= version:
        return False
    if row is None:
        session.add(model(id=key, version=version, snapshot=snapshot))
    else:
        row.version, row.snapshot = version, snapshot
    return True
