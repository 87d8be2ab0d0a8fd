"""Event handlers the interaction desk runs: the sites it takes letters for, from the content library."""

from __future__ import annotations

from services.interaction.models import Inbox, SiteEntry
from services.interaction.service.context import InteractionDeps, InteractionUnitOfWork
from shared.bus import EventBus
from shared.events.content import SITES_TOPIC, SiteCreated, SiteEvent, SiteUpdated
from shared.messaging.consumer import InboxConsumer

SITES_GROUP = "interaction.sites"


async def on_site_event(uow: InteractionUnitOfWork, event: SiteEvent) -> bool:
    """Keep the site's newest snapshot (its name and main domain go into mail and search entries)."""
    site = await uow.repo.site(event.site.id)
    if site is not None and site.version >= event.aggregate_version:
        return False
    snapshot = event.site.model_dump(mode="json")
    if site is None:
        uow.session.add(SiteEntry(id=event.site.id, version=event.aggregate_version, snapshot=snapshot))
    else:
        site.version, site.snapshot = event.aggregate_version, snapshot
    return True


def register_consumers(bus: EventBus, deps: InteractionDeps) -> None:
    handlers = {t.type: on_site_event for t in (SiteCreated, SiteUpdated)}
    consumer = InboxConsumer(name=SITES_GROUP, uow_factory=deps.platform_uow, inbox=Inbox, handlers=handlers)
    bus.subscribe(SITES_GROUP, [SITES_TOPIC], consumer)
