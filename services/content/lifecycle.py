"""A document's two states and the named transitions between them: pure rules, no database.

`workflow_state` is the working copy's place in review; `public_state` is what the public sees (the frozen
live revision). Each transition checks that it may happen now (409 if not) and returns the column changes it
makes; the use cases write those through the one version-guarded write of a document
(`repository.change_document`), so two changes can never both write the same next version.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from shared.errors import Conflict, Forbidden
from shared.events.content import PublicState, WithdrawalKind

Changes = dict[str, Any]


class WorkflowState(StrEnum):
    """Where the working copy is: draft → in_review (step by step) → scheduled | published; a rejection or an
    edit brings it back to draft."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"


class DocumentState(Protocol):
    """What the transitions read of a document (a row of the documents table)."""

    id: int
    title: str
    revision: int
    workflow_state: str
    public_state: str
    review_step: int
    review_steps: list[dict[str, str]]
    first_published_at: datetime | None
    publish_at: datetime | None
    expires_at: datetime | None


def is_live(doc: DocumentState) -> bool:
    return doc.public_state == PublicState.LIVE


def enter_review(workflow_state: str, steps: list[dict[str, str]], doc_id: int | None = None) -> Changes:
    """Submit a draft: it enters the first of the review steps frozen for it now."""
    if workflow_state != WorkflowState.DRAFT:
        raise Conflict(f"只有草稿可以提交审核，稿件 {doc_id} 当前为 {workflow_state} 状态", code="invalid_state")
    return {"review_steps": steps, "review_step": 0, "workflow_state": WorkflowState.IN_REVIEW}


def current_step(doc: DocumentState) -> dict[str, str]:
    """The review step a reviewer acts on now."""
    if doc.workflow_state != WorkflowState.IN_REVIEW:
        raise Conflict(f"稿件 {doc.id} 当前为 {doc.workflow_state} 状态，不在审核中", code="invalid_state")
    return doc.review_steps[doc.review_step]


def next_step(doc: DocumentState) -> Changes | None:
    """Pass the current step: the changes that move to the next one, or None when the last one has passed
    (the review is complete: publish or schedule)."""
    current_step(doc)
    if doc.review_step + 1 < len(doc.review_steps):
        return {"review_step": doc.review_step + 1}
    return None


def check_separation(step: dict[str, Any], actor_id: str, authors: set[str], earlier_steps: set[str]) -> None:
    """三审 are three people: nobody decides on a document they wrote or submitted, nor at two steps of one
    review. A workflow may waive it only explicitly (its steps frozen with `independent: false`)."""
    if not step.get("independent", True):
        return
    if actor_id in authors:
        raise Forbidden("三审须由不同的人完成：作者、提交人不能审核自己的稿件", code="own_document")
    if actor_id in earlier_steps:
        raise Forbidden("三审须由不同的人完成：同一人不能审核同一稿件的两个步骤", code="second_step")


def reject(doc: DocumentState) -> Changes:
    """Back to the author; a live document keeps its live revision meanwhile."""
    current_step(doc)
    return {"workflow_state": WorkflowState.DRAFT, "review_step": 0}


def edit(doc: DocumentState) -> Changes:
    """An edit of the working copy makes it a draft again; nobody edits what a reviewer is looking at."""
    if doc.workflow_state in (WorkflowState.IN_REVIEW, WorkflowState.SCHEDULED):
        raise Conflict(f"稿件当前为 {doc.workflow_state} 状态，须由审核人退回后才能修改", code="invalid_state")
    return {"workflow_state": WorkflowState.DRAFT}


def check_deletable(doc: DocumentState) -> None:
    """Only never-published documents can be deleted: a published one has had an address."""
    if doc.first_published_at is not None:
        raise Conflict("已发布过的稿件不能删除，请改为撤稿（unpublish）")


def check_emergency_publishable(doc: DocumentState) -> None:
    if doc.workflow_state == WorkflowState.PUBLISHED:
        raise Conflict(f"稿件 {doc.id} 已发布（修订版 {doc.revision}）", code="invalid_state")


def schedule() -> Changes:
    """Approved, to go live at its publish_at."""
    return {"workflow_state": WorkflowState.SCHEDULED}


def is_due(doc: DocumentState, now: datetime) -> bool:
    """A scheduled document whose time has come."""
    return doc.workflow_state == WorkflowState.SCHEDULED and doc.publish_at is not None and doc.publish_at <= now


def has_expired(doc: DocumentState, now: datetime) -> bool:
    """A live document whose expiry time has come."""
    return is_live(doc) and doc.expires_at is not None and doc.expires_at <= now


def go_live(doc: DocumentState, now: datetime) -> Changes:
    """The working revision becomes the live one."""
    return {
        "live_revision": doc.revision,
        "live_title": doc.title,
        "workflow_state": WorkflowState.PUBLISHED,
        "public_state": PublicState.LIVE,
        "published_at": now,
        "unpublish_reason": None,
        "redirect_url": None,
    }


def take_down(doc: DocumentState, kind: WithdrawalKind, reason: str, redirect_url: str | None) -> Changes:
    """Withdraw (the page stays with a notice), redirect, or gone (410)."""
    if not is_live(doc):
        raise Conflict(f"稿件 {doc.id} 当前为 {doc.public_state} 状态，并未上线", code="invalid_state")
    changes = {"public_state": kind.public_state, "unpublish_reason": reason, "redirect_url": redirect_url}
    return changes | _published_copy_back_to_draft(doc)


def expire(doc: DocumentState) -> Changes:
    """Its expiry time reached: down like a withdrawal."""
    return {"public_state": PublicState.EXPIRED} | _published_copy_back_to_draft(doc)


def _published_copy_back_to_draft(doc: DocumentState) -> Changes:
    """A working copy that was the live one becomes a draft again (to be revised and published anew)."""
    return {"workflow_state": WorkflowState.DRAFT} if doc.workflow_state == WorkflowState.PUBLISHED else {}
