"""Reads and writes of the search tables; the use cases own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.search.models import (
    PLATFORM_WIDE,
    AttachmentText,
    BestBet,
    Entry,
    QaPair,
    QueryLog,
    SiteEntry,
    Synonym,
)
from shared.db.uow import CoreRunner

_ENTRIES = Entry.__table__
# An event's entry is read and written in Core (prebuilt statements): the consumer does it once per event.
_ENTRY_VERSIONS = (
    select(_ENTRIES.c.key, _ENTRIES.c.version)
    .where(_ENTRIES.c.key.in_(bindparam("keys", expanding=True)))
    .order_by(_ENTRIES.c.key)  # locked in one order, whoever else locks several
    .with_for_update()
)
_INSERT_ENTRY = insert(_ENTRIES)
_UPDATE_ENTRY = update(_ENTRIES).where(_ENTRIES.c.key == bindparam("entry_key"))
_ENTRY_COLUMNS = ("kind", "version", "state", "snapshot", "pending", "updated_at")
_MARK_INDEXED = (
    update(_ENTRIES)
    .where(_ENTRIES.c.key == bindparam("indexed_key"), _ENTRIES.c.updated_at == bindparam("indexed_at"))
    .values(pending=False)
)


class SearchRepository:
    def __init__(self, session: AsyncSession, run: CoreRunner) -> None:
        self.session = session
        self._run = run

    async def site(self, site_id: str) -> SiteEntry | None:
        return await self.session.get(SiteEntry, site_id)

    async def sites(self) -> Sequence[SiteEntry]:
        return (await self.session.scalars(select(SiteEntry).order_by(SiteEntry.id))).all()

    async def entry_versions(self, keys: Sequence[str]) -> dict[str, int]:
        """The kept versions of these entries (locked until the transaction ends); an entry not kept is absent."""
        return dict((await self._run(_ENTRY_VERSIONS, {"keys": sorted(set(keys))})).all())

    async def put_entries(self, new: list[dict[str, Any]], changed: list[dict[str, Any]]) -> None:
        """New entries inserted, kept ones rewritten: one statement each for all."""
        if new:
            await self._run(_INSERT_ENTRY, [row | {"views": 0} for row in new])
        if changed:
            rows = [{"entry_key": row["key"], **{name: row[name] for name in _ENTRY_COLUMNS}} for row in changed]
            await self._run(_UPDATE_ENTRY, rows)

    async def entries_for_update(self, keys: list[str]) -> Sequence[Entry]:
        if not keys:
            return []
        query = select(Entry).where(Entry.key.in_(keys)).order_by(Entry.key).with_for_update()
        return (await self.session.scalars(query)).all()

    async def pending_entries(self, limit: int, after: tuple[datetime, str] | None = None) -> Sequence[Entry]:
        """The oldest marks first; `after` (a batch still being written): only those marked later. An entry marked
        again meanwhile has a newer mark, so it comes round again."""
        query = select(Entry).where(Entry.pending.is_(True)).order_by(Entry.updated_at, Entry.key).limit(limit)
        if after is not None:
            marked, key = after
            query = query.where(or_(Entry.updated_at > marked, and_(Entry.updated_at == marked, Entry.key > key)))
        return (await self.session.scalars(query)).all()

    async def entries_after(self, key: str, limit: int, site_id: str | None = None) -> Sequence[Entry]:
        query = select(Entry).where(Entry.key > key).order_by(Entry.key).limit(limit)
        if site_id is not None:
            query = query.where(Entry.site_id == site_id)
        return (await self.session.scalars(query)).all()

    async def entries_of_site(self, site_id: str) -> Sequence[Entry]:
        return (await self.session.scalars(select(Entry).where(Entry.site_id == site_id))).all()

    async def live_entries(self, site_id: str, kind: str) -> Sequence[Entry]:
        query = select(Entry).where(Entry.site_id == site_id, Entry.kind == kind, Entry.state == "live")
        return (await self.session.scalars(query)).all()

    async def mark_indexed(self, taken: dict[str, datetime]) -> None:
        """Clear `pending` of the entries as they were taken (each mark sets `updated_at`: an entry marked again
        meanwhile — a newer event, a site's new choice, a rebuild — keeps its mark): one statement for the batch."""
        rows = [{"indexed_key": key, "indexed_at": marked} for key, marked in taken.items()]
        if rows:
            await self.session.execute(_MARK_INDEXED, rows)

    async def count_pending(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(Entry).where(Entry.pending.is_(True))) or 0

    async def attachment_texts(self, blob_keys: list[str]) -> dict[str, str]:
        if not blob_keys:
            return {}
        rows = await self.session.execute(
            select(AttachmentText.blob_key, AttachmentText.text).where(AttachmentText.blob_key.in_(blob_keys))
        )
        return dict(rows.all())

    async def keep_attachment_texts(self, read: dict[str, tuple[str, str | None]]) -> None:
        """Each file's text or why there is none, kept so it is read once (merged: a rebuild may have kept it)."""
        for blob_key, (text, problem) in read.items():
            await self.session.merge(AttachmentText(blob_key=blob_key, text=text, problem=problem))

    async def synonyms(self, site_ids: list[str]) -> Sequence[Synonym]:
        query = select(Synonym).where(Synonym.site_id.in_([PLATFORM_WIDE, *site_ids])).order_by(Synonym.id)
        return (await self.session.scalars(query)).all()

    async def all_best_bets(self, site_id: str) -> Sequence[BestBet]:
        found = select(BestBet).where(BestBet.site_id.in_([site_id, PLATFORM_WIDE]))
        return (await self.session.scalars(found.order_by(BestBet.position, BestBet.id))).all()

    async def qa_pairs(self, site_id: str) -> Sequence[QaPair]:
        return (await self.session.scalars(select(QaPair).where(QaPair.site_id == site_id))).all()

    async def recent_queries(self, site_id: str, since: datetime, prefix: str, limit: int) -> list[str]:
        query = (
            select(QueryLog.query, func.count().label("n"))
            .where(QueryLog.site_id == site_id, QueryLog.at >= since, QueryLog.results > 0)
            .where(QueryLog.query.startswith(prefix, autoescape=True))
            .group_by(QueryLog.query)
            .order_by(func.count().desc(), QueryLog.query)
            .limit(limit)
        )
        return [row.query for row in await self.session.execute(query)]
