"""Event handlers the render service runs: the read model follows sites, channels and documents."""

from __future__ import annotations

from services.render.models import Inbox
from services.render.service.context import RenderDeps
from services.render.service.projection import Projection
from shared.bus import EventBus
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
from shared.messaging.consumer import InboxConsumer

PAGES_GROUP = "render.pages"


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
    consumer = InboxConsumer(name=PAGES_GROUP, uow_factory=deps.platform_uow, inbox=Inbox, handlers=handlers)
    bus.subscribe(PAGES_GROUP, [SITES_TOPIC, CHANNELS_TOPIC, DOCUMENTS_TOPIC], consumer)
