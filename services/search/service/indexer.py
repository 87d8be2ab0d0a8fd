"""The indexer: pending entries into the engine, a batch per engine commit, then marked indexed.

The database is the source of truth and the engine its projection: the consumer marks an entry pending in
the event's transaction; here the engine takes it and commits before the mark is cleared. A crash in between
repeats a write that replaces the same documents, so nothing is lost and nothing is doubled.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update

from services.search.engines.base import IndexDoc
from services.search.models import Entry
from services.search.service.attachments import AttachmentReader
from services.search.service.context import SearchDeps, SearchUnitOfWork
from services.search.service.documents import IndexJob
from shared.clock import utcnow
from shared.logs import get_logger

log = get_logger("search.indexer")
IDLE_POLL_SECONDS = 1.0
# Under a stream of changes (a migration: hundreds a second) drains start at most this often. Each commits a
# segment, and the engine's merging of many small segments cost more CPU than indexing them did.
DRAIN_INTERVAL = 1.0
# After a drain that took a stream's worth, the next waits longer, and a drain commits once per ~1,000 entries,
# not once per batch: tantivy alone took 27.5 CPU s for 40,000 documents committed by the 200, 13.7 by the 1,000
# (its merges of small segments; 0.6 ms of the platform's ~6.6 per migrated document). A lone change still shows
# within a second.
STREAM_ENTRIES = 200
STREAM_INTERVAL = 3.0
COMMIT_ENTRIES = 1000


class Indexer:
    def __init__(self, deps: SearchDeps, attachments: AttachmentReader | None = None) -> None:
        self.deps = deps
        self.attachments = attachments
        self._task: asyncio.Task[None] | None = None
        self._taking = asyncio.Lock()  # one drain at a time, whoever asks (the loop, a test or the consolidated settle)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="search-indexer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        wake, loop, last, interval = self.deps.wake_indexer, asyncio.get_running_loop(), 0.0, DRAIN_INTERVAL
        while True:
            with contextlib.suppress(TimeoutError):  # not wait_for: on 3.11 it can swallow stop()'s cancellation
                async with asyncio.timeout(IDLE_POLL_SECONDS):
                    await wake.wait()
            if (pause := last + interval - loop.time()) > 0:
                await asyncio.sleep(pause)  # what a stream brings meanwhile is taken with this drain
            wake.clear()
            last = loop.time()
            try:
                taken = await self.drain()
                interval = STREAM_INTERVAL if taken >= STREAM_ENTRIES else DRAIN_INTERVAL
            except Exception:  # the next wake or poll tries again; the entries stay pending
                log.exception("indexing failed")
                await asyncio.sleep(IDLE_POLL_SECONDS)

    async def drain(self) -> int:
        """Index what is pending; the number of entries taken. Two batches are in hand at once while they come
        full: one is written to the engine (a thread) while the next is read and analysed (a worker process). A
        batch that is not full ends the drain: what comes in meanwhile waits for the next (DRAIN_INTERVAL)."""
        total, size = 0, self.deps.settings.index_batch
        async with self._taking:
            ahead, written = await self._prepare(None), []
            while ahead is not None:
                following = asyncio.create_task(self._prepare(ahead.cursor)) if len(ahead.taken) >= size else None
                written.append(ahead)
                commit = following is None or sum(len(w.taken) for w in written) >= COMMIT_ENTRIES
                try:
                    await self._store(ahead, written if commit else None)
                    written = [] if commit else written
                except BaseException:
                    if following is not None:
                        following.cancel()
                        with contextlib.suppress(BaseException):
                            await following
                    raise
                total += len(ahead.taken)
                ahead = await following if following is not None else None
        return total

    async def _prepare(self, after: tuple[datetime, str] | None) -> Prepared | None:
        """The next pending entries (after the batch still being written) as index documents."""
        deps = self.deps
        async with deps.platform_uow() as uow:
            entries = await uow.repo.pending_entries(deps.settings.index_batch, after)
            if not entries:
                return None
            batch = await read_batch(uow, entries)
        if self.attachments is not None:  # after the transaction: the consumers write while the files are read
            await read_attachments(deps, self.attachments, entries, batch.texts)
        docs, removed = await batch.build(deps)
        taken = {entry.key: entry.updated_at for entry in entries}
        return Prepared(taken, docs, removed, (entries[-1].updated_at, entries[-1].key))

    async def _store(self, prepared: Prepared, committed: list[Prepared] | None) -> None:
        """The batch into the engine; with `committed`, the engine commits and those batches are marked indexed
        (an entry is marked only once its document is committed: a crash before leaves it pending)."""
        deps = self.deps
        await deps.engine.write(prepared.docs, prepared.removed, commit=committed is not None)
        if not deps.lexicon.full:
            deps.lexicon.add_all(_words_of(prepared.docs))
        if committed:
            async with deps.platform_uow() as uow:
                await uow.repo.mark_indexed({key: at for batch in committed for key, at in batch.taken.items()})
                await uow.commit()


@dataclass(frozen=True, slots=True)
class Prepared:
    """A batch ready for the engine: the entries taken (as marked), their documents, where the next starts."""

    taken: dict[str, datetime]
    docs: list[IndexDoc]
    removed: list[str]
    cursor: tuple[datetime, str]


def _words_of(docs: list[IndexDoc]) -> set[str]:
    """The distinct words of the documents' titles and bodies: what a typo may be corrected to."""
    words: set[str] = set()
    for doc in docs:
        words.update(doc.title_t.split())
        words.update(doc.body_t.split())
    return words


@dataclass(frozen=True, slots=True)
class Batch:
    """Entries read for the index, with what building their documents needs from the database."""

    jobs: list[IndexJob]
    levels: dict[str, str]
    texts: dict[str, str]

    async def build(self, deps: SearchDeps) -> tuple[list[IndexDoc], list[str]]:
        """The index documents of the entries, and the keys of those that must leave the index (analysis is
        CPU only: called after the transaction that read the entries has ended)."""
        docs: list[IndexDoc] = []
        removed: list[str] = []
        for job, built in zip(self.jobs, await deps.analysis.build(self.jobs, self.levels, self.texts), strict=True):
            docs.extend(built)
            if not built:
                removed.append(job.key)
        return docs, removed


async def read_batch(uow: SearchUnitOfWork, entries: Sequence[Entry]) -> Batch:
    sites = {site.id: site for site in await uow.repo.sites()}
    levels = {site_id: site.snapshot.get("level", "") for site_id, site in sites.items()}
    documents = [e for e in entries if e.kind == "document"]
    blob_keys = [a["blob_key"] for e in documents for a in e.snapshot["document"].get("attachments", [])]
    jobs = [
        IndexJob(entry.kind, entry.key, entry.state, entry.snapshot, _keeps_withdrawn(sites, entry), entry.views)
        for entry in entries
    ]
    return Batch(jobs, levels, await uow.repo.attachment_texts(blob_keys))


async def read_attachments(
    deps: SearchDeps, reader: AttachmentReader, entries: Sequence[Entry], texts: dict[str, str]
) -> None:
    """The texts of the entries' files not read before, kept in a transaction of their own and added to `texts`."""
    read = await reader.read_missing(entries, known=texts)
    if read:
        async with deps.platform_uow() as uow:
            await uow.repo.keep_attachment_texts(read)
            await uow.commit()
        texts.update({blob_key: text for blob_key, (text, _) in read.items()})


def _keeps_withdrawn(sites: dict, entry: Entry) -> bool:
    owner = sites.get(entry.site_id)
    return bool(owner and owner.keep_withdrawn)


async def all_docs(deps: SearchDeps, site_id: str | None = None) -> AsyncIterator[list[IndexDoc]]:
    """Every entry's index documents in batches, for a rebuild (from the entries this service keeps)."""
    last = ""
    while True:
        async with deps.platform_uow() as uow:
            entries = await uow.repo.entries_after(last, deps.settings.index_batch, site_id)
            if not entries:
                return
            batch = await read_batch(uow, entries)
            last = entries[-1].key
        docs, _ = await batch.build(deps)
        yield docs


async def mark_all_pending(deps: SearchDeps) -> None:
    """Every entry to the indexer again (an index made new: a first start, or fields this version adds)."""
    async with deps.platform_uow() as uow:
        await uow.session.execute(update(Entry).values(pending=True, updated_at=utcnow()))
        await uow.commit()
    deps.wake_indexer.set()
