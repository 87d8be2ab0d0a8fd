"""Event handlers the content service runs: channel subscriptions spread newly published documents."""

from __future__ import annotations

from services.content.models import Inbox
from services.content.service.context import ContentDeps
from services.content.service.placements import on_document_published
from shared.bus import EventBus
from shared.events.content import DOCUMENTS_TOPIC, DocumentPublished
from shared.messaging.consumer import InboxConsumer

SUBSCRIPTIONS_GROUP = "content.subscriptions"


def register_consumers(bus: EventBus, deps: ContentDeps) -> None:
    consumer = InboxConsumer(
        name=SUBSCRIPTIONS_GROUP,
        uow_factory=deps.platform_uow,
        inbox=Inbox,
        handlers={DocumentPublished.type: on_document_published},
    )
    bus.subscribe(SUBSCRIPTIONS_GROUP, [DOCUMENTS_TOPIC], consumer)
