"""Event handlers the render service runs: the read model follows sites, channels and documents."""

from __future__ import annotations

from functools import partial

from services.render.models import Inbox
from services.render.service.admin import on_url_map_changed
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
from shared.events.transition import URLMAP_TOPIC, UrlMapChanged
from shared.messaging.consumer import InboxConsumer

PAGES_GROUP = "render.pages"
REDIRECTS_GROUP = "render.redirects"


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
    redirects = InboxConsumer(
        name=REDIRECTS_GROUP,
        uow_factory=deps.platform_uow,
        inbox=Inbox,
        handlers={UrlMapChanged.type: partial(on_url_map_changed, deps)},
        batch_size=50,  # a migration maps thousands of URLs a minute
    )
    bus.subscribe(REDIRECTS_GROUP, [URLMAP_TOPIC], redirects)
