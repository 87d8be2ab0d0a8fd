"""Queries of the migration service: jobs, their legacy URLs (upserted in batches), the channels it follows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Insert, Result, Row, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.transition.models import ChannelEntry, Job, JobLog, LegacyUrl, SiteEntry

_UPSERTED = (
    "job_id",
    "legacy_url",
    "kind",
    "state",
    "title",
    "published_at",
    "target",
    "reason",
    "fingerprint",
    "hits",
)


_URLS = LegacyUrl.__table__
_MARK_ROW = (  # prebuilt Core: the content library's answers mark legacy URLs by the thousand
    update(_URLS)
    .where(_URLS.c.site_id == bindparam("site"), _URLS.c.legacy_key == bindparam("key"))
    .values(state=bindparam("state"), updated_at=bindparam("at"))
)
_MARK = _MARK_ROW.returning(_URLS.c.id)
_MARK_IMPORTED = _MARK_ROW.values(  # run once per row of a batch (executemany)
    document_id=bindparam("document_id"), target=bindparam("target"), title=bindparam("title"),
    published_at=bindparam("published_at"), reason=None,
)  # fmt: skip
_MARK_REFUSED = _MARK.values(reason=bindparam("reason"))
_KNOWN_KEYS = select(_URLS.c.legacy_key).where(
    _URLS.c.site_id == bindparam("site"), _URLS.c.legacy_key.in_(bindparam("keys", expanding=True))
)


@cache
def _upsert(dialect: str, names: tuple[str, ...]) -> Insert:
    """Insert or update legacy URLs given with these fields, built once per shape and run for many rows at once: a
    multi-row VALUES was compiled anew for every batch the crawl staged."""
    stmt = (postgresql if dialect == "postgresql" else sqlite).insert(_URLS)
    fresh = {name: stmt.excluded[name] for name in (*_UPSERTED, "updated_at") if name in (*names, "updated_at")}
    return stmt.on_conflict_do_update(index_elements=["site_id", "legacy_key"], set_=fresh)


class TransitionRepository:
    def __init__(self, session: AsyncSession, execute: Callable[..., Awaitable[Result]]) -> None:
        self.session = session
        self._execute = execute  # the unit of work's Core path, under the tenant guard

    async def job(self, job_id: int, *, for_update: bool = False) -> Job | None:
        stmt = select(Job).where(Job.id == job_id)
        return await self.session.scalar(stmt.with_for_update() if for_update else stmt)

    async def jobs(self) -> list[Job]:
        return list(await self.session.scalars(select(Job).order_by(Job.id.desc())))

    async def jobs_of(self, site_id: str) -> list[Job]:
        """A site's jobs, newest first, whatever the session's scope."""
        return list(await self.session.scalars(select(Job).where(Job.site_id == site_id).order_by(Job.id.desc())))

    async def jobs_in(self, states: Sequence[str]) -> list[Job]:
        """Jobs of every site in these states, oldest first (the runner's queue)."""
        return list(await self.session.scalars(select(Job).where(Job.state.in_(states)).order_by(Job.id)))

    async def log(self, job_id: int) -> list[JobLog]:
        return list(await self.session.scalars(select(JobLog).where(JobLog.job_id == job_id).order_by(JobLog.id)))

    async def counts(self, job_id: int) -> dict[tuple[str, str], int]:
        """(kind, state) → how many legacy URLs of the job: its progress, counted, not kept in step."""
        stmt = (
            select(LegacyUrl.kind, LegacyUrl.state, func.count())
            .where(LegacyUrl.job_id == job_id)
            .group_by(LegacyUrl.state, LegacyUrl.kind)  # ix_legacy_urls_job_state_kind_site: no table read
        )
        return {(kind, state): n for kind, state, n in await self.session.execute(stmt)}

    async def staged_count(self, job_id: int) -> int:
        """Documents of the job waiting for the content library's answer (ix_legacy_urls_job_state_kind_site)."""
        stmt = select(func.count()).where(
            LegacyUrl.job_id == job_id, LegacyUrl.state == "staged", LegacyUrl.kind == "document"
        )
        return await self.session.scalar(stmt) or 0

    async def any_staged(self, job_id: int) -> bool:
        """Whether a document of the job still waits for the content library's answer (an index lookup)."""
        stmt = select(LegacyUrl.id).where(LegacyUrl.job_id == job_id, LegacyUrl.state == "staged").limit(1)
        return await self.session.scalar(stmt) is not None

    async def keep_urls(self, site_id: str, rows: list[dict[str, Any]]) -> None:
        """Insert or update legacy URLs by (site, key) in one statement: a re-run finds its own rows again."""
        if not rows:
            return
        now, shapes = datetime.now(UTC), {}
        for row in rows:
            shapes.setdefault(tuple(sorted(row)), []).append({**row, "site_id": site_id, "updated_at": now})
        for names, same in shapes.items():
            await self._execute(_upsert(self.session.bind.dialect.name, names), same)

    async def urls(self, keys: Sequence[str]) -> dict[str, LegacyUrl]:
        if not keys:
            return {}
        found = await self.session.scalars(select(LegacyUrl).where(LegacyUrl.legacy_key.in_(list(keys))))
        return {u.legacy_key: u for u in found}

    async def url_page(
        self, *, states: Sequence[str] | None, kinds: Sequence[str] | None, job_id: int | None, after: int, limit: int
    ) -> tuple[list[LegacyUrl], int]:
        stmt = select(LegacyUrl)
        if states:
            stmt = stmt.where(LegacyUrl.state.in_(states))
        if kinds:
            stmt = stmt.where(LegacyUrl.kind.in_(kinds))
        if job_id is not None:
            stmt = stmt.where(LegacyUrl.job_id == job_id)
        total = await self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        order = (LegacyUrl.hits.desc(), LegacyUrl.legacy_key)  # the undecided most asked for first
        rows = await self.session.scalars(stmt.order_by(*order).offset(after).limit(limit))
        return list(rows), total

    async def all_urls(self, batch: int = 1000):  # noqa: ANN201 - an async iterator of LegacyUrl rows
        """Every legacy URL of the scope's site, in key order, a batch at a time (the CSV of a big site)."""
        last = ""
        while True:
            stmt = select(LegacyUrl).where(LegacyUrl.legacy_key > last).order_by(LegacyUrl.legacy_key).limit(batch)
            rows = list(await self.session.scalars(stmt))
            for row in rows:
                yield row
            if len(rows) < batch:
                return
            last = rows[-1].legacy_key

    async def pointing_at(self, site_id: str, targets: Sequence[str]) -> list[LegacyUrl]:
        """Legacy URLs that redirect (on the legacy site) to these /_legacy/ links."""
        if not targets:
            return []
        stmt = select(LegacyUrl).where(LegacyUrl.site_id == site_id, LegacyUrl.target.in_(list(targets)))
        return list(await self.session.scalars(stmt))

    async def mark_many_imported(self, site_id: str, rows: list[dict[str, Any]]) -> set[str]:
        """The legacy URLs of these keys of one site now live at their documents' addresses (each row: its key and
        values), in two statements; the keys some job of ours staged back (the others are not ours: nothing to do)."""
        keys = sorted({row["key"] for row in rows})
        known = set((await self._execute(_KNOWN_KEYS, {"site": site_id, "keys": keys})).scalars())
        at = datetime.now(UTC)
        params = [{"site": site_id, "state": "imported", "at": at, **row} for row in rows if row["key"] in known]
        if params:
            await self._execute(_MARK_IMPORTED, params)
        return known

    async def mark_refused(self, site_id: str, legacy_key: str, reason: str) -> bool:
        params = {"site": site_id, "key": legacy_key, "state": "refused", "at": datetime.now(UTC), "reason": reason}
        return (await self._execute(_MARK_REFUSED, params)).first() is not None

    async def channels(self, site_id: str) -> list[Row]:
        stmt = select(ChannelEntry.id, ChannelEntry.snapshot).where(
            ChannelEntry.site_id == site_id, ChannelEntry.deleted.is_(False)
        )
        return list(await self.session.execute(stmt))

    async def site(self, site_id: str) -> SiteEntry | None:
        return await self.session.get(SiteEntry, site_id)
