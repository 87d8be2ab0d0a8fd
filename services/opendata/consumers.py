"""Event handlers the open-data portal runs: the sites its datasets belong to, from the content library."""

from __future__ import annotations

from services.opendata.models import Inbox, SiteEntry
from services.opendata.service.context import OpendataDeps, OpendataUnitOfWork
from shared.bus import EventBus
from shared.events.content import SITES_TOPIC, SiteCreated, SiteEvent, SiteUpdated
from shared.messaging.consumer import InboxConsumer
from shared.messaging.snapshots import keep_newest

SITES_GROUP = "opendata.sites"


async def on_site_event(uow: OpendataUnitOfWork, event: SiteEvent) -> bool:
    """Keep the site's newest snapshot (its name is the CKAN organisation's title)."""
    snapshot = event.site.model_dump(mode="json")
    return await keep_newest(uow.session, SiteEntry, event.site.id, event.aggregate_version, snapshot)


def register_consumers(bus: EventBus, deps: OpendataDeps) -> None:
    handlers = {t.type: on_site_event for t in (SiteCreated, SiteUpdated)}
    consumer = InboxConsumer(name=SITES_GROUP, uow_factory=deps.platform_uow, inbox=Inbox, handlers=handlers)
    bus.subscribe(SITES_GROUP, [SITES_TOPIC], consumer)
