"""Event handlers the migration service runs: the content library's answers to staged documents (the URL map
follows them), and the target sites and channels it maps legacy sections to."""

from __future__ import annotations

from services.transition.models import ChannelEntry, Inbox, SiteEntry
from services.transition.service.context import TransitionDeps, TransitionUnitOfWork
from services.transition.service.urlmap import on_documents_imported, on_import_refused, on_legacy_paths_missed
from shared.bus import EventBus
from shared.events.content import (
    CHANNELS_TOPIC,
    SITES_TOPIC,
    ChannelCreated,
    ChannelDeleted,
    ChannelEvent,
    ChannelUpdated,
    SiteCreated,
    SiteEvent,
    SiteUpdated,
)
from shared.events.render import VIEWS_TOPIC, LegacyPathsMissed
from shared.events.transition import IMPORTS_TOPIC, DocumentImported, ImportRefused
from shared.messaging.consumer import InboxConsumer
from shared.messaging.snapshots import keep_newest

ANSWERS_GROUP = "transition.answers"
SITES_GROUP = "transition.sites"
MISSES_GROUP = "transition.misses"


async def on_site_event(uow: TransitionUnitOfWork, event: SiteEvent) -> bool:
    snapshot = event.site.model_dump(mode="json")
    return await keep_newest(uow.session, SiteEntry, event.site.id, event.aggregate_version, snapshot)


async def on_channel_event(uow: TransitionUnitOfWork, event: ChannelEvent) -> bool:
    """The channels a section may map to: their names and paths (a legacy list page's new address)."""
    row = await uow.session.get(ChannelEntry, event.channel.id)
    if row is not None and row.version > event.aggregate_version:
        return False
    snapshot = event.channel.model_dump(mode="json")
    deleted = event.type == ChannelDeleted.type
    if row is None:
        uow.session.add(ChannelEntry(id=event.channel.id, site_id=event.site_id, version=event.aggregate_version,
                                     snapshot=snapshot, deleted=deleted))  # fmt: skip
    else:
        row.version, row.snapshot, row.deleted = event.aggregate_version, snapshot, deleted
    return True


def register_consumers(bus: EventBus, deps: TransitionDeps) -> None:
    answers = InboxConsumer(
        name=ANSWERS_GROUP,
        uow_factory=deps.platform_uow,
        inbox=Inbox,
        handlers={ImportRefused.type: on_import_refused},
        batch_size=50,  # a job's answers come by the thousand
        batch_handlers={DocumentImported.type: on_documents_imported},
    )
    bus.subscribe(ANSWERS_GROUP, [IMPORTS_TOPIC], answers)
    handlers = {t.type: on_site_event for t in (SiteCreated, SiteUpdated)}
    handlers |= {t.type: on_channel_event for t in (ChannelCreated, ChannelUpdated, ChannelDeleted)}
    sites = InboxConsumer(name=SITES_GROUP, uow_factory=deps.platform_uow, inbox=Inbox, handlers=handlers)
    bus.subscribe(SITES_GROUP, [SITES_TOPIC, CHANNELS_TOPIC], sites)
    misses = InboxConsumer(
        name=MISSES_GROUP, uow_factory=deps.platform_uow, inbox=Inbox,
        handlers={LegacyPathsMissed.type: on_legacy_paths_missed},
    )  # fmt: skip
    bus.subscribe(MISSES_GROUP, [VIEWS_TOPIC], misses)
