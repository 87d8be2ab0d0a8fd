"""Event handlers the interaction desk runs: the sites it takes letters for, from the content library."""

from __future__ import annotations

from services.interaction.models import Inbox, SiteEntry
from services.interaction.service.context import InteractionDeps, InteractionUnitOfWork
from shared.bus import EventBus
from shared.events.content import SITES_TOPIC, SiteCreated, SiteEvent, SiteUpdated
from shared.messaging.consumer import InboxConsumer
from shared.messaging.snapshots import keep_newest

SITES_GROUP = "interaction.sites"


async def on_site_event(uow: InteractionUnitOfWork, event: SiteEvent) -> bool:
    """Keep the site's newest snapshot (its name and main domain go into mail and search entries)."""
    snapshot = event.site.model_dump(mode="json")
    return await keep_newest(uow.session, SiteEntry, event.site.id, event.aggregate_version, snapshot)


def register_consumers(bus: EventBus, deps: InteractionDeps) -> None:
    handlers = {t.type: on_site_event for t in (SiteCreated, SiteUpdated)}
    consumer = InboxConsumer(name=SITES_GROUP, uow_factory=deps.platform_uow, inbox=Inbox, handlers=handlers)
    bus.subscribe(SITES_GROUP, [SITES_TOPIC], consumer)
