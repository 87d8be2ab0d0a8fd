"""What the projection reads of the documents a batch of events names: their views and entries, in one statement
each for the whole batch rather than two per event (a migration publishes documents by the hundred)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import make_dataclass
from typing import Any

from sqlalchemy import insert, select

from services.render.models import DocumentView, PageEntry
from services.render.service.context import RenderUnitOfWork

# The documents the batch being handled names (its messages' keys): a hint, never trusted as the truth; a document
# not in it is simply read when its event comes.
_UPCOMING: ContextVar[frozenset[int]] = ContextVar("render_upcoming_documents", default=frozenset())
_IN_SESSION = "render.document_reads"  # where a transaction keeps its reads (session.info lives as long as it)
_ENTRY_VALUES = [c for c in PageEntry.__table__.columns if c.key != "id"]
_VIEW_VALUES = list(DocumentView.__table__.columns)
_INSERT_ENTRIES = insert(PageEntry)
_INSERT_VIEWS = insert(DocumentView)
# What this transaction creates, as plain rows (no ORM instance to instrument, no session to flush them one by one):
# the same attributes as the models', written by one INSERT each just before the commit.
NewEntry = make_dataclass("NewEntry", [(c.key, Any, None) for c in _ENTRY_VALUES], slots=True)
NewView = make_dataclass("NewView", [(c.key, Any, None) for c in _VIEW_VALUES], slots=True)


@contextmanager
def upcoming_documents(keys: Iterable[str]) -> Iterator[None]:
    """Around a batch of document events, keyed by document id (each event's aggregate id)."""
    token = _UPCOMING.set(frozenset(int(k) for k in keys if k.isdigit()))
    try:
        yield
    finally:
        _UPCOMING.reset(token)


class DocumentReads:
    """Views and entries of documents as this transaction sees them: read once, then kept as the projection
    changes them (what the session would answer, without asking the database again). New entries are not the
    session's: they are written together just before the commit, in one INSERT (the ORM would write them one by one
    to learn their ids, which nothing here needs)."""

    def __init__(self, uow: RenderUnitOfWork) -> None:
        self.uow = uow
        self.views: dict[int, Any] = {}  # a DocumentView read, a NewView created, or None
        self.entries: dict[int, list[Any]] = {}  # PageEntry rows read and NewEntry rows created
        self._added: dict[tuple[str, str], Any] = {}  # NewEntry by (site, path), which is unique
        self._new_views: list[Any] = []
        uow.before_commit(self._write_added)

    def add(self, entry: Any) -> None:
        self._added[entry.site_id, entry.url_path] = entry

    def new_view(self, document_id: int, site_id: str) -> Any:
        """A view for a document the renderer has not seen, written before the commit with the batch's others."""
        view = self.views[document_id] = NewView(id=document_id, site_id=site_id)
        self._new_views.append(view)
        return view

    def drop_added(self, entry: PageEntry) -> bool:
        """Forget an entry added in this transaction (True); False when it is in the database."""
        key = (entry.site_id, entry.url_path)
        if self._added.get(key) is not entry:
            return False
        del self._added[key]
        return True

    async def _write_added(self) -> None:
        views = [{c.key: getattr(v, c.key) for c in _VIEW_VALUES} for v in self._new_views]
        rows = [{c.key: getattr(e, c.key) for c in _ENTRY_VALUES} for e in self._added.values()]
        self._added, self._new_views = {}, []
        if views:
            await self.uow.execute(_INSERT_VIEWS, views)
        if rows:
            await self.uow.execute(_INSERT_ENTRIES, rows)

    async def load(self, ids: set[int]) -> None:
        missing = sorted(ids - self.views.keys())
        if not missing:
            return
        views = await self.uow.session.scalars(select(DocumentView).where(DocumentView.id.in_(missing)))
        found = {v.id: v for v in views}
        entries = await self.uow.session.scalars(select(PageEntry).where(PageEntry.document_id.in_(missing)))
        for doc_id in missing:
            self.views[doc_id], self.entries[doc_id] = found.get(doc_id), []
        for entry in entries:
            self.entries[entry.document_id].append(entry)


async def document_reads(uow: RenderUnitOfWork, document_id: int) -> DocumentReads:
    """This transaction's reads, with the document's (and, the first time, the whole batch's) loaded."""
    reads = uow.session.info.get(_IN_SESSION)
    if reads is None:
        reads = uow.session.info[_IN_SESSION] = DocumentReads(uow)
    await reads.load(_UPCOMING.get() | {document_id})
    return reads
