"""Event handlers: sites and documents as the content events describe them, marked for the indexer.

Idempotent and version-aware: an event whose aggregate version is not newer than the entry's changes nothing,
so a redelivered or out-of-order event never brings back an older text or a withdrawn document.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from services.search.models import SiteEntry
from services.search.service.context import SearchUnitOfWork
from shared.clock import utcnow
from shared.events.content import (
    DocumentEvent,
    DocumentExpired,
    DocumentWithdrawn,
    PublicState,
    SiteEvent,
)
from shared.events.render import PagesViewed
from shared.events.searchable import SearchableEvent, SearchableRemoved
from shared.messaging.consumer import Delivery
from shared.messaging.snapshots import keep_newest

DOCUMENT = "document"


async def on_site_event(uow: SearchUnitOfWork, event: SiteEvent, remember: Callable[[dict], None]) -> bool:
    """Keep the site's newest snapshot; `remember` puts it in the process's site table once committed."""
    snapshot = event.site.model_dump(mode="json")
    if not await keep_newest(uow.session, SiteEntry, event.site.id, event.aggregate_version, snapshot):
        return False
    uow.after_commit(lambda: remember(snapshot))
    return True


async def on_document_events(uow: SearchUnitOfWork, run: Sequence[Delivery], wake: Callable[[], None]) -> list[bool]:
    """Keep each document's newest snapshot and mark it for the indexer, woken once the events commit; a run of
    them read and written together (an import publishes hundreds a second). An event not newer than the kept
    version changes nothing."""
    keys = [f"{DOCUMENT}:{delivery.event.document.id}" for delivery in run]
    kept = await uow.repo.entry_versions(keys)
    existed, rows, answers = set(kept), {}, []
    for key, delivery in zip(keys, run, strict=True):
        event: DocumentEvent = delivery.event
        if kept.get(key, 0) >= event.aggregate_version:
            answers.append(False)
            continue
        kept[key] = event.aggregate_version
        rows[key] = _entry(key, event)  # a later event of the same document in the run replaces it
        answers.append(True)
    await uow.repo.put_entries(
        [v for k, v in rows.items() if k not in existed], [v for k, v in rows.items() if k in existed]
    )
    if rows:
        uow.after_commit(wake)
    return answers


def _entry(key: str, event: DocumentEvent) -> dict:
    return {
        "key": key,
        "site_id": event.document.site_id,
        "kind": DOCUMENT,
        "version": event.aggregate_version,
        "state": public_state(event),
        "snapshot": {
            "document": event.document.model_dump(mode="json"),
            "site": event.site.model_dump(mode="json"),
            "placements": [p.model_dump(mode="json") for p in event.placements],
        },
        "pending": True,
        "updated_at": utcnow(),
    }


def public_state(event: DocumentEvent) -> str:
    if isinstance(event, DocumentWithdrawn):
        return event.kind.public_state.value
    if isinstance(event, DocumentExpired):
        return PublicState.EXPIRED.value
    return PublicState.LIVE.value


async def on_pages_viewed(uow: SearchUnitOfWork, event: PagesViewed, wake: Callable[[], None]) -> bool:
    """Add the pages read to each document's count; one whose count reaches the next power of two is indexed
    again (popularity ranks on a log scale, so smaller changes would not move it)."""
    keys = {f"{DOCUMENT}:{doc_id}": views for doc_id, views in event.views.items() if views > 0}
    entries = await uow.repo.entries_for_update(sorted(keys))
    for entry in entries:
        before = entry.views
        entry.views = before + keys[entry.key]
        if int(math.log2(before + 1)) != int(math.log2(entry.views + 1)):
            entry.pending, entry.updated_at = True, utcnow()
            uow.after_commit(wake)
    return bool(entries)


async def on_searchable_event(uow: SearchUnitOfWork, event: SearchableEvent, wake: Callable[[], None]) -> bool:
    """Another service's public thing (a letter, a dataset): kept and indexed like a document."""
    entry_data = event.entry
    key = f"{entry_data.kind}:{entry_data.id}"
    kept = (await uow.repo.entry_versions([key])).get(key)
    if kept is not None and kept >= event.aggregate_version:
        return False
    state = PublicState.GONE.value if isinstance(event, SearchableRemoved) else PublicState.LIVE.value
    row = {
        "key": key,
        "site_id": entry_data.site_id,
        "kind": entry_data.kind,
        "version": event.aggregate_version,
        "state": state,
        "snapshot": {"entry": entry_data.model_dump(mode="json")},
        "pending": True,
        "updated_at": utcnow(),
    }
    await uow.repo.put_entries([] if kept is not None else [row], [row] if kept is not None else [])
    uow.after_commit(wake)
    return True
