"""What the projection reads of the documents a batch of events names: their views and entries, in one statement
each for the whole batch rather than two per event (a migration publishes documents by the hundred)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import select

from services.render.models import DocumentView, PageEntry
from services.render.service.context import RenderUnitOfWork

# The documents the batch being handled names (its messages' keys): a hint, never trusted as the truth; a document
# not in it is simply read when its event comes.
_UPCOMING: ContextVar[frozenset[int]] = ContextVar("render_upcoming_documents", default=frozenset())
_IN_SESSION = "render.document_reads"  # where a transaction keeps its reads (session.info lives as long as it)


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
    changes them (what the session would answer, without asking the database again)."""

    def __init__(self) -> None:
        self.views: dict[int, DocumentView | None] = {}
        self.entries: dict[int, list[PageEntry]] = {}

    async def load(self, uow: RenderUnitOfWork, ids: set[int]) -> None:
        missing = sorted(ids - self.views.keys())
        if not missing:
            return
        views = await uow.session.scalars(select(DocumentView).where(DocumentView.id.in_(missing)))
        found = {v.id: v for v in views}
        entries = await uow.session.scalars(select(PageEntry).where(PageEntry.document_id.in_(missing)))
        for doc_id in missing:
            self.views[doc_id], self.entries[doc_id] = found.get(doc_id), []
        for entry in entries:
            self.entries[entry.document_id].append(entry)


async def document_reads(uow: RenderUnitOfWork, document_id: int) -> DocumentReads:
    """This transaction's reads, with the document's (and, the first time, the whole batch's) loaded."""
    reads = uow.session.info.get(_IN_SESSION)
    if reads is None:
        reads = uow.session.info[_IN_SESSION] = DocumentReads()
    await reads.load(uow, _UPCOMING.get() | {document_id})
    return reads
