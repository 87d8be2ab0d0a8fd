"""Event handlers the render service runs: the read model follows sites, channels and documents."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from services.render.models import Inbox
from services.render.service.admin import on_url_map_changed
from services.render.service.context import RenderDeps, RenderUnitOfWork
from services.render.service.document_reads import upcoming_documents
from services.render.service.projection import Projection
from shared.bus import EventBus, Message
from shared.events.content import (
    CHANNELS_TOPIC,
    DOCUMENTS_TOPIC,
    SITES_TOPIC,
    ChannelCreated,
    ChannelDeleted,
    ChannelUpdated,
    DocumentExpired,
    DocumentPublished,
    DocumentUpdated,
    DocumentWithdrawn,
    SiteCreated,
    SiteUpdated,
)
from shared.events.transition import URLMAP_TOPIC, UrlMapChanged
from shared.messaging.consumer import InboxConsumer

PAGES_GROUP = "render.pages"
REDIRECTS_GROUP = "render.redirects"
EVENT_BATCH = 200  # events handled in one transaction when they pile up (an import, a replay)


class ProjectionConsumer(InboxConsumer[RenderUnitOfWork]):
    """Tells the projection which documents a batch names (their messages' keys), so it reads their views and
    entries in one statement each for the batch rather than per event."""

    async def handle_batch(self, messages: Sequence[Message]) -> None:
        with upcoming_documents(m.key for m in messages if m.topic == DOCUMENTS_TOPIC):
            await super().handle_batch(messages)


def register_consumers(bus: EventBus, deps: RenderDeps) -> None:
    projection = Projection(deps)
    handlers = {
        **{t.type: projection.on_site_event for t in (SiteCreated, SiteUpdated)},
        **{t.type: projection.on_channel_event for t in (ChannelCreated, ChannelUpdated, ChannelDeleted)},
        **{
            t.type: projection.on_document_event
            for t in (DocumentPublished, DocumentUpdated, DocumentWithdrawn, DocumentExpired)
        },
    }
    consumer = ProjectionConsumer(
        name=PAGES_GROUP, uow_factory=deps.platform_uow, inbox=Inbox, handlers=handlers, batch_size=EVENT_BATCH
    )
    bus.subscribe(PAGES_GROUP, [SITES_TOPIC, CHANNELS_TOPIC, DOCUMENTS_TOPIC], consumer)
    redirects = InboxConsumer(
        name=REDIRECTS_GROUP,
        uow_factory=deps.platform_uow,
        inbox=Inbox,
        handlers={UrlMapChanged.type: partial(on_url_map_changed, deps)},
        batch_size=50,  # a migration maps thousands of URLs a minute
    )
    bus.subscribe(REDIRECTS_GROUP, [URLMAP_TOPIC], redirects)
