"""The review workflow (先审后发): submit, approve or reject step by step, and the audited emergency publish."""

from __future__ import annotations

from sqlalchemy import Row

from services.content import lifecycle
from services.content.lifecycle import Changes
from services.content.models import ReviewAction
from services.content.schemas.documents import DocumentRead, EmergencyPublish, Rejection, ReviewDecision
from services.content.service.checks import enforce_checks
from services.content.service.context import Actor, ContentDeps, ContentUnitOfWork, audit
from services.content.service.lookups import document_or_404
from services.content.service.permissions import require_editor, require_reviewer, require_site_admin
from services.content.service.publishing import complete_review, go_live
from services.content.service.review_steps import effective_steps


async def submit_document(deps: ContentDeps, actor: Actor, site_id: str, doc_id: int) -> DocumentRead:
    async with deps.site_uow(site_id) as uow:
        doc = await document_or_404(uow, doc_id, for_update=True)
        entry = await review_entry(uow, actor, doc.site_id, doc.channel_id, doc.workflow_state, doc.id)
        doc = await uow.repo.change_document(doc, entry)
        record_submission(uow, actor, doc)
        await uow.commit()
        return DocumentRead.model_validate(doc)


async def review_entry(
    uow: ContentUnitOfWork, actor: Actor, site_id: str, channel_id: int, state: str, doc_id: int | None = None
) -> Changes:
    """Freeze the workflow that applies now (channel's, else site's): the changes that enter its first step."""
    require_editor(actor, site_id, channel_id)
    steps, _ = await effective_steps(uow, site_id, channel_id)
    return lifecycle.enter_review(state, steps, doc_id)


def record_submission(uow: ContentUnitOfWork, actor: Actor, doc: Row) -> None:
    """Who submitted which revision, in the review history and the audit log."""
    _record(uow, doc, actor, "submit", None, None)
    audit(uow, actor, doc.site_id, "document.submitted", "document", doc.id, revision=doc.revision)


async def approve_document(
    deps: ContentDeps, actor: Actor, site_id: str, doc_id: int, decision: ReviewDecision
) -> DocumentRead:
    """Pass the current step; passing the last one publishes (or schedules) after the checks."""
    async with deps.site_uow(site_id) as uow:
        doc = await document_or_404(uow, doc_id, for_update=True)
        step = lifecycle.current_step(doc)
        require_reviewer(actor, site_id, step["role"], doc.channel_id)
        await _check_separation(uow, doc, step, actor)
        _record(uow, doc, actor, "approve", step["name"], decision.comment)
        audit(uow, actor, site_id, "document.approved", "document", doc.id, step=step["name"], revision=doc.revision)
        next_step = lifecycle.next_step(doc)
        if next_step is not None:
            doc = await uow.repo.change_document(doc, next_step)
        else:
            doc = await complete_review(uow, deps, actor, doc)
        await uow.commit()
        return DocumentRead.model_validate(doc)


async def reject_document(
    deps: ContentDeps, actor: Actor, site_id: str, doc_id: int, rejection: Rejection
) -> DocumentRead:
    """Back to the author with a comment; a live document keeps its live revision meanwhile."""
    async with deps.site_uow(site_id) as uow:
        doc = await document_or_404(uow, doc_id, for_update=True)
        step = lifecycle.current_step(doc)
        require_reviewer(actor, site_id, step["role"], doc.channel_id)
        await _check_separation(uow, doc, step, actor)
        _record(uow, doc, actor, "reject", step["name"], rejection.comment)
        audit(
            uow, actor, site_id, "document.rejected", "document", doc.id, step=step["name"], comment=rejection.comment
        )
        doc = await uow.repo.change_document(doc, lifecycle.reject(doc))
        await uow.commit()
        return DocumentRead.model_validate(doc)


async def emergency_publish(
    deps: ContentDeps, actor: Actor, site_id: str, doc_id: int, request: EmergencyPublish
) -> DocumentRead:
    """A site admin publishes at once, skipping review but not the checks; the reason is audited."""
    require_site_admin(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        doc = await document_or_404(uow, doc_id, for_update=True)
        lifecycle.check_emergency_publishable(doc)
        await enforce_checks(uow, doc)
        _record(uow, doc, actor, "emergency_publish", None, request.reason)
        audit(
            uow,
            actor,
            site_id,
            "document.emergency_published",
            "document",
            doc.id,
            reason=request.reason,
            revision=doc.revision,
        )
        doc = await go_live(uow, deps, actor, doc)
        await uow.commit()
        return DocumentRead.model_validate(doc)


async def _check_separation(uow: ContentUnitOfWork, doc: Row, step: dict, actor: Actor) -> None:
    """三审 are three people (lifecycle.check_separation): the author, last editor and submitter of the document
    and the deciders of its earlier steps may not decide at this one."""
    submitters, deciders = await uow.repo.review_round(doc)
    authors = {doc.created_by, doc.updated_by, *submitters}
    lifecycle.check_separation(step, actor.id, authors, deciders)


def _record(uow: ContentUnitOfWork, doc: Row, actor: Actor, action: str, step: str | None, comment: str | None) -> None:
    uow.record(
        ReviewAction,
        site_id=doc.site_id,
        document_id=doc.id,
        revision=doc.revision,
        step=step,
        action=action,
        actor=actor.id,
        actor_name=actor.name,
        comment=comment,
    )
