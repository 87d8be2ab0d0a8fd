"""A draft as its page will show it: the working copy in the shape the renderer takes (the contract's
DocumentSnapshot), for a preview before anyone publishes it."""

from __future__ import annotations

from types import SimpleNamespace

from services.content.events import document_snapshot
from services.content.models import document_content
from services.content.service.context import Actor, ContentDeps
from services.content.service.lookups import document_or_404
from services.content.service.permissions import require_staff
from shared.events.content import DocumentSnapshot


async def preview_snapshot(deps: ContentDeps, actor: Actor, site_id: str, doc_id: int) -> DocumentSnapshot:
    """The working copy (not the live revision), with its links, files and disclosure metadata as published."""
    async with deps.site_uow(site_id) as uow:
        doc = await document_or_404(uow, doc_id)
        require_staff(actor, site_id, doc.channel_id)
        now = deps.now()  # a draft never published shows today's date, as it will on the day it goes out
        dates = {"published_at": doc.published_at or now, "first_published_at": doc.first_published_at or now}
        as_if_published = SimpleNamespace(**(doc._asdict() | dates | {"live_revision": doc.revision}))
        return await document_snapshot(uow.repo, as_if_published, document_content(doc))
