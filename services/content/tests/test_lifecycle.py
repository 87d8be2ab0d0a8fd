"""The document's states and transitions, without a database: what each transition allows and writes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pytest

from services.content import lifecycle
from services.content.lifecycle import WorkflowState
from shared.errors import Conflict
from shared.events.content import PublicState, WithdrawalKind

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
STEPS = [{"name": "初审", "role": "reviewer:初审"}, {"name": "审核", "role": "reviewer:审核"}]


@dataclass(frozen=True)
class Doc:
    id: int = 7
    title: str = "关于做好2027年元旦春节期间有关工作的通知"
    revision: int = 1
    workflow_state: str = WorkflowState.DRAFT
    public_state: str = PublicState.UNPUBLISHED
    review_step: int = 0
    review_steps: list[dict[str, str]] = field(default_factory=list)
    first_published_at: datetime | None = None
    publish_at: datetime | None = None
    expires_at: datetime | None = None


IN_REVIEW = Doc(workflow_state=WorkflowState.IN_REVIEW, review_steps=STEPS)
LIVE = Doc(workflow_state=WorkflowState.PUBLISHED, public_state=PublicState.LIVE, first_published_at=NOW)


def test_a_draft_enters_the_first_of_its_frozen_steps() -> None:
    assert lifecycle.enter_review(WorkflowState.DRAFT, STEPS) == {
        "review_steps": STEPS,
        "review_step": 0,
        "workflow_state": WorkflowState.IN_REVIEW,
    }


@pytest.mark.parametrize("state", [WorkflowState.IN_REVIEW, WorkflowState.SCHEDULED, WorkflowState.PUBLISHED])
def test_only_drafts_are_submitted(state: WorkflowState) -> None:
    with pytest.raises(Conflict, match=f"只有草稿可以提交审核，稿件 7 当前为 {state} 状态"):
        lifecycle.enter_review(state, STEPS, 7)


def test_steps_pass_one_by_one_and_the_last_completes_the_review() -> None:
    assert lifecycle.current_step(IN_REVIEW) == STEPS[0]
    assert lifecycle.next_step(IN_REVIEW) == {"review_step": 1}
    assert lifecycle.next_step(replace(IN_REVIEW, review_step=1)) is None


@pytest.mark.parametrize("transition", [lifecycle.current_step, lifecycle.next_step, lifecycle.reject])
def test_nobody_reviews_what_is_not_in_review(transition) -> None:  # noqa: ANN001 - a transition
    with pytest.raises(Conflict, match="稿件 7 当前为 draft 状态，不在审核中"):
        transition(Doc())


def test_a_rejection_sends_the_copy_back_to_draft_at_the_first_step() -> None:
    assert lifecycle.reject(replace(IN_REVIEW, review_step=1)) == {
        "workflow_state": WorkflowState.DRAFT,
        "review_step": 0,
    }


@pytest.mark.parametrize("state", [WorkflowState.IN_REVIEW, WorkflowState.SCHEDULED])
def test_what_a_reviewer_holds_cannot_be_edited(state: WorkflowState) -> None:
    with pytest.raises(Conflict, match=f"稿件当前为 {state} 状态，须由审核人退回"):
        lifecycle.edit(Doc(workflow_state=state))


def test_an_edit_of_a_live_document_makes_its_working_copy_a_draft() -> None:
    assert lifecycle.edit(LIVE) == {"workflow_state": WorkflowState.DRAFT}


def test_going_live_freezes_the_working_revision_and_clears_an_earlier_withdrawal() -> None:
    changes = lifecycle.go_live(replace(LIVE, revision=3, title="新标题"), NOW)
    assert changes == {
        "live_revision": 3,
        "live_title": "新标题",
        "workflow_state": WorkflowState.PUBLISHED,
        "public_state": PublicState.LIVE,
        "published_at": NOW,
        "unpublish_reason": None,
        "redirect_url": None,
    }


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        (WithdrawalKind.WITHDRAW, PublicState.WITHDRAWN),
        (WithdrawalKind.REDIRECT, PublicState.REDIRECTED),
        (WithdrawalKind.GONE, PublicState.GONE),
    ],
)
def test_each_kind_of_withdrawal_has_one_public_state(kind: WithdrawalKind, state: PublicState) -> None:
    changes = lifecycle.take_down(LIVE, kind, "内容已过时", None)
    assert changes["public_state"] == state
    assert changes["workflow_state"] == WorkflowState.DRAFT  # the copy that was live is worked on again


def test_a_live_copy_under_revision_stays_in_review_when_taken_down() -> None:
    under_review = replace(LIVE, workflow_state=WorkflowState.IN_REVIEW)
    assert "workflow_state" not in lifecycle.take_down(under_review, WithdrawalKind.WITHDRAW, "撤回", None)


def test_only_live_documents_are_taken_down() -> None:
    with pytest.raises(Conflict, match="稿件 7 当前为 unpublished 状态，并未上线"):
        lifecycle.take_down(Doc(), WithdrawalKind.GONE, "删除", None)


def test_schedules_and_expiry_are_due_at_their_time_only() -> None:
    scheduled = Doc(workflow_state=WorkflowState.SCHEDULED, publish_at=NOW)
    assert lifecycle.is_due(scheduled, NOW) and not lifecycle.is_due(scheduled, NOW - timedelta(seconds=1))
    assert not lifecycle.is_due(Doc(publish_at=NOW), NOW)  # a draft is never published by the clock
    expiring = replace(LIVE, expires_at=NOW)
    assert lifecycle.has_expired(expiring, NOW) and not lifecycle.has_expired(LIVE, NOW)
    assert lifecycle.expire(expiring) == {"public_state": PublicState.EXPIRED, "workflow_state": WorkflowState.DRAFT}


def test_a_published_document_is_never_deleted_and_never_emergency_published_twice() -> None:
    with pytest.raises(Conflict, match="已发布过的稿件不能删除"):
        lifecycle.check_deletable(LIVE)
    lifecycle.check_deletable(Doc())
    with pytest.raises(Conflict, match="已发布（修订版 1）"):
        lifecycle.check_emergency_publishable(LIVE)
