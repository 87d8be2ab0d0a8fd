"""A job's crawl frontier in its database: what the crawl found, took and finished, so a cancelled or crashed
crawl resumes where it stopped (taken-but-unfinished URLs are queued again) and a re-run asks each URL again,
conditionally. Found URLs are written with the next take; finished ones with the stager's batch of the decisions
they led to (service/staging.py), so a crash never marks done a page whose decision was not kept.

Found URLs leave memory only once a transaction that wrote them has committed: a take that fails (a crash, a
cancel) would otherwise lose the links of pages a concurrent batch marks done, and those pages are never read
again. Each transaction writes every URL found so far; a URL two of them write is inserted once (no conflict)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from services.transition.models import FrontierUrl
from services.transition.service.context import TransitionDeps, TransitionUnitOfWork
from services.transition.sources.base import Fetched

_TABLE = FrontierUrl.__table__  # Core: finished URLs are written many at once (executemany)
_THIS = (_TABLE.c.job_id == bindparam("j")) & (_TABLE.c.url == bindparam("u"))
_FINISHED = update(_TABLE).where(_THIS).values(
    state="done", etag=bindparam("etag"), last_modified=bindparam("modified"), status=bindparam("status"),
    error=bindparam("error"),
)  # fmt: skip
_UNCHANGED = update(_TABLE).where(_THIS).values(state="done", status=304, error=None)
# A take's statements, built once (bound per take): building and compiling them was most of a take's cost
_FOUND = {
    "postgresql": postgresql.insert(_TABLE).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(_TABLE).on_conflict_do_nothing(),
}
_QUEUED = (
    select(_TABLE.c.url, _TABLE.c.etag, _TABLE.c.last_modified)
    .where(_TABLE.c.job_id == bindparam("j"), _TABLE.c.state == "queued")
    .order_by(_TABLE.c.seq)
    .limit(bindparam("n"))
)
_TAKEN = (
    update(_TABLE)
    .where(_TABLE.c.job_id == bindparam("j"), _TABLE.c.url.in_(bindparam("urls", expanding=True)))
    .values(state="taken")
)
RECENT = 10_000  # URLs found lately, not written again: every page links its column's index and the home page


@dataclass(frozen=True, slots=True)
class Released:
    """Pages finished, and the URLs found until then (their links among them): one transaction writes both."""

    done: list[dict[str, Any]]
    found: dict[str, int]

    def __bool__(self) -> bool:
        return bool(self.done or self.found)


class JobFrontier:
    def __init__(self, deps: TransitionDeps, job_id: int) -> None:
        self.deps, self.job_id = deps, job_id
        self._seq = 0
        self._done: list[dict[str, Any]] = []
        self._unchanged: list[dict[str, Any]] = []
        self._validators: dict[str, tuple[str | None, str | None]] = {}
        self._found: dict[str, int] = {}  # URL → the order it was found in, until the next take writes it
        self._recent: dict[str, None] = {}  # found in this run (written, or in _found): the last RECENT of them

    async def open(self, seeds: Iterable[str]) -> bool:
        """Resume (queued or taken URLs remain: True) or begin again from the seeds and everything known."""
        async with self.deps.platform_uow() as uow:
            mine = FrontierUrl.job_id == self.job_id
            self._seq = await uow.session.scalar(select(func.max(FrontierUrl.seq)).where(mine)) or 0
            pending = await uow.session.scalar(select(func.count()).where(mine, FrontierUrl.state != "done"))
            again = (FrontierUrl.state == "taken") if pending else FrontierUrl.state.is_not(None)  # resume, or all
            await uow.session.execute(update(FrontierUrl).where(mine, again).values(state="queued"))
            await uow.commit()
        await self.add(seeds)
        return bool(pending)

    async def add(self, urls: Iterable[str]) -> int:
        """Kept until the next take, which writes them with what finished: one transaction per round. How many
        were not found lately (the database may know them from longer ago: then they are not queued again)."""
        before = self._seq
        for url in urls:
            if len(url) <= 1000 and url not in self._recent:
                self._seq += 1
                self._found[url] = self._seq
                self._recent[url] = None
                if len(self._recent) > RECENT:
                    del self._recent[next(iter(self._recent))]  # the oldest: a dict keeps insertion order
        return self._seq - before

    async def take(self, limit: int) -> list[str]:
        found = dict(self._found)
        async with self.deps.platform_uow() as uow:
            await self._flush(uow, found)
            rows = list(await uow.session.execute(_QUEUED, {"j": self.job_id, "n": limit}))
            self._validators.update((r.url, (r.etag, r.last_modified)) for r in rows if r.etag or r.last_modified)
            urls = [r.url for r in rows]
            if urls:
                await uow.session.execute(_TAKEN, {"j": self.job_id, "urls": urls})
            await uow.commit()
        self._written(found)
        return urls

    async def validators(self, url: str) -> tuple[str | None, str | None]:
        """Read with the take: a re-run asks every page conditionally without a query per page."""
        return self._validators.get(url, (None, None))

    async def finished(self, url: str, fetched: Fetched | None, error: str | None) -> None:
        self._validators.pop(url, None)  # kept from its take until now: the crawl's workers take while others ask
        if fetched is not None and fetched.status == 304:
            self._unchanged.append({"j": self.job_id, "u": url})  # the validators of the fetch before stand
            return
        self._done.append(
            {"j": self.job_id, "u": url, "etag": fetched.etag if fetched else None,
             "modified": fetched.last_modified if fetched else None, "status": fetched.status if fetched else None,
             "error": error}
        )  # fmt: skip

    def release(self) -> Released:
        """The pages finished until now, handed to the stager, which marks them done with their decisions."""
        done, self._done = self._done, []
        return Released(done, dict(self._found))

    async def write(self, uow: TransitionUnitOfWork, released: Released) -> None:
        """In the stager's transaction: found URLs first (a finished page's links are never lost), then done."""
        await self._flush(uow, released.found)
        if released.done:
            await uow.session.execute(_FINISHED, released.done)

    def kept(self, released: Released) -> None:
        """The stager's transaction committed: the URLs it wrote leave memory."""
        self._written(released.found)

    async def close(self) -> None:
        """What is left since the last take (a cancel's last round, the crawl's end), after the stager's flush."""
        released = self.release()
        async with self.deps.platform_uow() as uow:
            await self.write(uow, released)
            await uow.commit()
        self.kept(released)

    def _written(self, found: dict[str, int]) -> None:
        for url, seq in found.items():
            if self._found.get(url) == seq:  # not found again meanwhile (it had left the recent ones)
                del self._found[url]

    async def _flush(self, uow: TransitionUnitOfWork, found: dict[str, int]) -> None:
        """Found URLs and unchanged (304) ones: nothing to stage, so written with each take."""
        if found:
            rows = [{"job_id": self.job_id, "url": url, "state": "queued", "seq": seq} for url, seq in found.items()]
            await uow.session.execute(_FOUND[uow.session.bind.dialect.name], rows)
        unchanged, self._unchanged = self._unchanged, []
        if unchanged:
            await uow.session.execute(_UNCHANGED, unchanged)
