"""Event handlers the content service runs: channel subscriptions spread newly published documents; documents
and domains a site migration stages are imported."""

from __future__ import annotations

from functools import partial

from services.content.models import Inbox
from services.content.service.context import ContentDeps
from services.content.service.imports import import_legacy_documents
from services.content.service.legacy_domains import attach_legacy_domains
from services.content.service.placements import on_documents_published
from shared.bus import EventBus
from shared.events.content import DOCUMENTS_TOPIC, DocumentPublished
from shared.events.transition import STAGED_TOPIC, LegacyDocumentStaged, LegacyDomainsClaimed
from shared.messaging.consumer import InboxConsumer

SUBSCRIPTIONS_GROUP = "content.subscriptions"
IMPORTS_GROUP = "content.imports"
IMPORT_BATCH = 50  # a migration stages thousands of documents a minute: their imports commit together


def register_consumers(bus: EventBus, deps: ContentDeps) -> None:
    consumer = InboxConsumer(
        name=SUBSCRIPTIONS_GROUP,
        uow_factory=deps.platform_uow,
        inbox=Inbox,
        handlers={},
        batch_size=IMPORT_BATCH,
        batch_handlers={DocumentPublished.type: on_documents_published},
    )
    bus.subscribe(SUBSCRIPTIONS_GROUP, [DOCUMENTS_TOPIC], consumer)
    imports = InboxConsumer(
        name=IMPORTS_GROUP,
        uow_factory=deps.platform_uow,
        inbox=Inbox,
        handlers={LegacyDomainsClaimed.type: attach_legacy_domains},
        batch_size=IMPORT_BATCH,
        # A run of staged documents is imported together: each read and write once for all of them.
        batch_handlers={LegacyDocumentStaged.type: partial(import_legacy_documents, deps)},
    )
    bus.subscribe(IMPORTS_GROUP, [STAGED_TOPIC], imports)
