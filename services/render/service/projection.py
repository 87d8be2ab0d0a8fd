"""The read model follows the content events; each change names the cached pages it makes wrong.

Events are applied in a platform scope on purpose: one document event changes the entries of every site
that reposts it. Stale events (an aggregate version not newer than what is stored) change nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from services.render.cache import SITE_GROUP_TAG, entries_tag, list_tags, site_tag
from services.render.models import ChannelView, PageEntry, SiteView
from services.render.service.context import RenderDeps, RenderUnitOfWork
from services.render.service.document_reads import DocumentReads, NewEntry, document_reads
from services.render.themes import file_path
from shared.events.content import (
    ChannelDeleted,
    ChannelEvent,
    DocumentEvent,
    DocumentExpired,
    DocumentSnapshot,
    DocumentUpdated,
    DocumentWithdrawn,
    PublicState,
    SiteEvent,
    SiteSnapshot,
)

EXPIRED_NOTICE = "该信息已过有效期，仅供查阅。"
WITHDRAWN_NOTICE = "该信息已撤回。"


class Projection:
    def __init__(self, deps: RenderDeps) -> None:
        self.deps = deps

    def _changed(self, uow: RenderUnitOfWork, site_id: str, tags: set[str], site: dict[str, Any] | None = None):
        def apply() -> None:
            if site is not None:
                self.deps.hosts.load(site)
            self.deps.changed(site_id, tags | ({SITE_GROUP_TAG} if site is not None else set()))

        uow.after_commit(apply)

    async def on_site_event(self, uow: RenderUnitOfWork, event: SiteEvent) -> bool:
        if not await _upsert_site(uow, event.site, event.aggregate_version):
            return False
        snapshot = event.site.model_dump(mode="json")
        self._changed(uow, event.site_id, {site_tag(event.site_id)}, snapshot)
        return True

    async def on_channel_event(self, uow: RenderUnitOfWork, event: ChannelEvent) -> bool:
        known = await uow.repo.site_view(event.site_id)
        await _upsert_site(uow, event.site, 0)
        channel = event.channel
        view = await uow.repo.channel_view(channel.id)
        if view is not None and view.version >= event.aggregate_version:
            return False
        if isinstance(event, ChannelDeleted):
            if view is not None:
                await uow.session.delete(view)
        elif view is None:
            uow.session.add(_channel_view(event))
        else:
            view.version, view.parent_id, view.path = event.aggregate_version, channel.parent_id, channel.path
            view.position, view.snapshot = channel.position, channel.model_dump(mode="json")
        site = event.site.model_dump(mode="json") if known is None else None
        self._changed(uow, event.site_id, {site_tag(event.site_id)}, site)
        return True

    async def on_document_event(self, uow: RenderUnitOfWork, event: DocumentEvent) -> bool:
        known = await uow.repo.site_view(event.site_id)
        await _upsert_site(uow, event.site, 0)
        doc = event.document
        reads = await document_reads(uow, doc.id)
        view = reads.views[doc.id]
        if view is not None and view.version >= event.aggregate_version:
            return False
        state, notice, redirect_url = _state_of(event)
        snapshot = doc.model_dump(mode="json")
        if view is None:
            view = reads.new_view(doc.id, doc.site_id)
        view.version, view.snapshot = event.aggregate_version, snapshot
        view.state, view.notice, view.redirect_url = state, notice, redirect_url
        tags = {f"doc:{doc.id}"} | await _place(uow, event, reads, listed=state == PublicState.LIVE)
        site = event.site.model_dump(mode="json") if known is None else None
        self._changed(uow, event.site_id, tags, site)
        return True


async def _upsert_site(uow: RenderUnitOfWork, site: SiteSnapshot, version: int) -> bool:
    """Store the site's snapshot; events of other aggregates (version 0) only fill in a site not yet seen."""
    view = await uow.repo.site_view(site.id)
    if view is None:
        uow.session.add(SiteView(id=site.id, version=version, snapshot=site.model_dump(mode="json")))
        await uow.session.flush()
        return True
    if version == 0 or view.version >= version:
        return False
    view.version, view.snapshot = version, site.model_dump(mode="json")
    return True


def _channel_view(event: ChannelEvent) -> ChannelView:
    c = event.channel
    return ChannelView(
        id=c.id,
        site_id=c.site_id,
        version=event.aggregate_version,
        parent_id=c.parent_id,
        path=c.path,
        position=c.position,
        snapshot=c.model_dump(mode="json"),
    )


def _state_of(event: DocumentEvent) -> tuple[PublicState, str | None, str | None]:
    """What the public sees of the document after this event, with the notice its page shows."""
    if isinstance(event, DocumentWithdrawn):
        notice = f"{WITHDRAWN_NOTICE.rstrip('。')}，原因：{event.reason}" if event.reason else WITHDRAWN_NOTICE
        return event.kind.public_state, notice, event.redirect_url
    if isinstance(event, DocumentExpired):
        return PublicState.EXPIRED, EXPIRED_NOTICE, None
    return PublicState.LIVE, None, None


def listing_fields(doc: DocumentSnapshot) -> dict[str, Any]:
    """What lists and the 信息公开目录 show of a document besides its title and date."""
    disclosure = doc.disclosure
    cover = file_path(doc.cover.model_dump(), "w320") if doc.cover else ""
    return {
        "topic_category": disclosure.topic_category if disclosure else None,
        "validity": disclosure.validity if disclosure else None,
        "index_number": (disclosure.index_number or None) if disclosure else None,
        "document_number": disclosure.document_number if disclosure else None,
        "issuing_body": disclosure.issuing_body if disclosure else None,
        "written_on": disclosure.written_on if disclosure else None,
        "cover_path": cover or None,
    }


async def _place(uow: RenderUnitOfWork, event: DocumentEvent, reads: DocumentReads, *, listed: bool) -> set[str]:
    """Make the document's entries match its placements; return the list and site tags that changed."""
    doc = event.document
    existing = {(e.site_id, e.url_path): e for e in reads.entries[doc.id]}
    wanted = {(p.site_id, p.url_path): p for p in event.placements}
    tags: set[str] = set()
    for (site_id, url_path), entry in existing.items():
        if (site_id, url_path) not in wanted:
            tags |= list_tags(site_id, entry.channel_path) | {entries_tag(site_id)}
            if not reads.drop_added(entry):  # at once: another document may take the path in the same batch
                await uow.session.execute(delete(PageEntry).where(PageEntry.id == entry.id))
    removed = event.removed_placements if isinstance(event, DocumentUpdated) else []
    for placement in removed:
        tags |= list_tags(placement.site_id, placement.channel_path) | {entries_tag(placement.site_id)}
    listing = listing_fields(doc)
    kept: list[Any] = []
    for key, p in wanted.items():
        entry = existing.get(key) or NewEntry(site_id=p.site_id, url_path=p.url_path, document_id=doc.id)
        entry.owner_site_id, entry.channel_id, entry.channel_path, entry.kind = (
            doc.site_id,
            p.channel_id,
            p.channel_path,
            p.kind,
        )
        entry.listed, entry.title, entry.published_at = listed, doc.title, doc.first_published_at
        for name, value in listing.items():
            setattr(entry, name, value)
        if key not in existing:
            reads.add(entry)
        kept.append(entry)
        tags |= list_tags(p.site_id, p.channel_path) | {entries_tag(p.site_id)}
    reads.entries[doc.id] = kept
    return tags
