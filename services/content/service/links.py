"""Interpretation links (解读 ↔ 政策): a page shows its live linked documents, so when one end of a link goes live,
goes down or changes its title, the live documents at the other end are announced again with their new links."""

from __future__ import annotations

from sqlalchemy import Row

from services.content.events import document_event
from services.content.lifecycle import is_live
from services.content.service.context import ContentUnitOfWork
from shared.events.content import DocumentUpdated


async def linked_ids(uow: ContentUnitOfWork, doc_id: int) -> set[int]:
    """The documents linked to this one, as interpretation or as policy."""
    return {other for link in await uow.repo.links_of(doc_id) for other in link if other != doc_id}


async def announce_links(uow: ContentUnitOfWork, doc: Row) -> Row:
    """A live document's links changed: a new version of it, and the event its page is rebuilt from. (A draft's
    links are read when it goes live; its version stays, so an editor's open form is not made stale.)"""
    if not is_live(doc):
        return doc
    doc = await uow.repo.change_document(doc, {})
    uow.emit(await document_event(uow.repo, DocumentUpdated, doc, change="links"))
    return doc


async def announce_linked(uow: ContentUnitOfWork, doc_id: int) -> None:
    """The document went live, went down or has a new title: the live documents linked to it show that now.
    They are locked in id order, as every change of several documents does."""
    others = await uow.repo.document_rows(sorted(await linked_ids(uow, doc_id)), for_update=True)
    for other_id in sorted(others):
        await announce_links(uow, others[other_id])
