""" "My queue": the documents in review whose current step the caller may decide now — they hold that step's role
in the document's channel, and under 三审 they neither wrote it nor decided at an earlier step."""

from __future__ import annotations

from services.content import lifecycle
from services.content.schemas.common import Page
from services.content.schemas.documents import QueueEntry
from services.content.service.context import Actor, ContentDeps
from services.content.service.permissions import has_site_role, readable_channels, require_staff
from shared.errors import Forbidden

MAX_IN_REVIEW = 2000  # documents in review on one site at once; beyond, the oldest wait for the next look


async def review_queue(deps: ContentDeps, actor: Actor, site_id: str, *, page: int, size: int) -> Page[QueueEntry]:
    require_staff(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        rows, _ = await uow.repo.documents_page(
            site_id,
            channels=readable_channels(actor, site_id),
            workflow_state=lifecycle.WorkflowState.IN_REVIEW,
            public_state=None,
            channel_id=None,
            q=None,
            page=1,
            size=MAX_IN_REVIEW,
        )
        mine = []
        held = [
            d for d in rows if has_site_role(actor, site_id, (d.review_steps[d.review_step]["role"],), d.channel_id)
        ]
        rounds = await uow.repo.review_rounds(held)
        for doc in held:
            step = doc.review_steps[doc.review_step]
            submitters, deciders = rounds[doc.id]
            try:
                lifecycle.check_separation(step, actor.id, {doc.created_by, doc.updated_by, *submitters}, deciders)
            except Forbidden:
                continue
            mine.append(QueueEntry.model_validate(doc).model_copy(update={"step_name": step["name"]}))
    mine.reverse()  # the longest waiting first
    start = (page - 1) * size
    return Page(items=mine[start : start + size], total=len(mine), page=page, size=size)
