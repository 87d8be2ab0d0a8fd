"""Event handlers the search service runs: sites (for scopes) and documents (for the index)."""

from __future__ import annotations

from collections.abc import Sequence

from services.search.models import Inbox
from services.search.service.context import SearchDeps, SearchUnitOfWork
from services.search.service.entries import (
    on_document_events,
    on_pages_viewed,
    on_searchable_event,
    on_site_event,
)
from shared.bus import EventBus
from shared.events.content import (
    DOCUMENTS_TOPIC,
    SITES_TOPIC,
    DocumentExpired,
    DocumentPublished,
    DocumentUpdated,
    DocumentWithdrawn,
    SiteCreated,
    SiteEvent,
    SiteUpdated,
)
from shared.events.render import VIEWS_TOPIC, PagesViewed
from shared.events.searchable import SEARCHABLE_TOPIC, SearchableEvent, SearchableRemoved, SearchableUpdated
from shared.messaging.consumer import Delivery, InboxConsumer

INDEX_GROUP = "search.index"
EVENT_BATCH = 500  # events handled in one transaction when they pile up (a bulk publish, a replay)


def register_consumers(bus: EventBus, deps: SearchDeps) -> None:
    async def on_documents(uow: SearchUnitOfWork, run: Sequence[Delivery]) -> list[bool]:
        return await on_document_events(uow, run, deps.wake_indexer.set)

    async def on_site(uow: SearchUnitOfWork, event: SiteEvent) -> bool:
        return await on_site_event(uow, event, lambda site: deps.sites.__setitem__(site["id"], site))

    async def on_views(uow: SearchUnitOfWork, event: PagesViewed) -> bool:
        return await on_pages_viewed(uow, event, deps.wake_indexer.set)

    async def on_searchable(uow: SearchUnitOfWork, event: SearchableEvent) -> bool:
        return await on_searchable_event(uow, event, deps.wake_indexer.set)

    handlers = {
        PagesViewed.type: on_views,
        **{t.type: on_searchable for t in (SearchableUpdated, SearchableRemoved)},
        **{t.type: on_site for t in (SiteCreated, SiteUpdated)},
    }
    documents = {t.type: on_documents for t in (DocumentPublished, DocumentUpdated, DocumentWithdrawn, DocumentExpired)}
    consumer = InboxConsumer(
        name=INDEX_GROUP, uow_factory=deps.platform_uow, inbox=Inbox, handlers=handlers, batch_size=EVENT_BATCH,
        batch_handlers=documents,
    )  # fmt: skip
    bus.subscribe(INDEX_GROUP, [SITES_TOPIC, DOCUMENTS_TOPIC, VIEWS_TOPIC, SEARCHABLE_TOPIC], consumer)
