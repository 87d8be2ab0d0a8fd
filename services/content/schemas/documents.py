"""Documents, their review, publication, revisions and placements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, model_validator

from services.content.lifecycle import WorkflowState
from services.content.schemas.common import Id, Keyword, ReadModel, Schema, SiteId, reject_explicit_nulls, text
from shared.events.content import PublicState, WithdrawalKind

Validity = Literal["有效", "修改", "废止", "失效"]
Title = text(200)
Body = Annotated[str, Field(min_length=1, max_length=1_000_000)]
RedirectUrl = Annotated[str, Field(pattern=r"^(https?://[^\s]{3,490}|/[^\s]{0,490})$", max_length=500)]


class DocumentFields(Schema):
    subtitle: text(200, 0) | None = None
    summary: text(1000, 0) | None = None
    author: text(60, 0) | None = None
    source: text(100, 0) | None = Field(None, description="来源")
    keywords: list[Keyword] | None = Field(None, max_length=10)
    cover_id: Id | None = None
    attachment_ids: list[Id] | None = Field(None, max_length=50)
    document_number: text(60) | None = Field(None, description="文号, e.g. 皖政办〔2026〕12号")
    written_on: date | None = Field(None, description="成文日期")
    issuing_body: text(100) | None = Field(None, description="发布机构")
    topic_category: text(40) | None = Field(None, description="主题分类")
    subject_words: list[Keyword] | None = Field(None, max_length=10, description="主题词")
    publish_at: AwareDatetime | None = Field(None, description="publish at this time once approved")
    expires_at: AwareDatetime | None = Field(None, description="take down at this time")

    @model_validator(mode="after")
    def _expiry_after_publication(self) -> DocumentFields:
        if self.publish_at and self.expires_at and self.expires_at <= self.publish_at:
            raise ValueError("expires_at 须晚于 publish_at")
        return self


class DocumentCreate(DocumentFields):
    channel_id: Id
    title: Title
    body_html: Body
    submit: bool = Field(False, description="submit for review at once")


class DocumentUpdate(DocumentFields):
    title: Title | None = None
    body_html: Body | None = None
    channel_id: Id | None = None
    version: int = Field(ge=1, description="the version you edited; a newer one on the server is a 409")

    @model_validator(mode="after")
    def _required_stay_set(self) -> DocumentUpdate:
        reject_explicit_nulls(self, ("title", "body_html", "channel_id", "keywords", "attachment_ids", "subject_words"))
        return self


class ReviewStepRead(ReadModel):
    name: str
    role: str
    independent: bool = Field(True, description="decided by someone who neither wrote it nor took another step")


class DocumentRead(ReadModel):
    id: int
    site_id: str
    channel_id: int
    title: str
    subtitle: str | None
    body_html: str
    summary: str | None
    author: str | None
    source: str | None
    keywords: list[str]
    cover_id: int | None
    attachment_ids: list[int]
    index_number: str | None
    document_number: str | None
    written_on: date | None
    issuing_body: str | None
    topic_category: str | None
    subject_words: list[str]
    validity: Validity
    validity_note: str | None = None
    replaced_by_id: int | None = None
    workflow_state: WorkflowState
    review_step: int
    review_steps: list[ReviewStepRead]
    public_state: PublicState
    live_revision: int | None
    revision: int
    url_path: str | None
    publish_at: datetime | None
    expires_at: datetime | None
    published_at: datetime | None
    first_published_at: datetime | None
    unpublish_reason: str | None
    redirect_url: str | None
    created_by: str
    updated_by: str
    created_at: datetime
    updated_at: datetime
    version: int


class DocumentSummary(ReadModel):
    id: int
    site_id: str
    channel_id: int
    title: str
    workflow_state: WorkflowState
    review_step: int
    public_state: PublicState
    validity: Validity
    url_path: str | None
    updated_at: datetime
    published_at: datetime | None
    version: int


class QueueEntry(DocumentSummary):
    """A document waiting for the caller's decision at its current review step."""

    step_name: str = Field("", description="the step it waits at (初审, 审核, 审发 …)")


class LibraryItem(ReadModel):
    """A document of the resource library as other sites' staff see it: its published face only."""

    id: int
    site_id: str
    title: str = Field(validation_alias="live_title")
    url_path: str | None
    published_at: datetime | None
    validity: Validity


class ReviewDecision(Schema):
    comment: text(2000, 0) | None = None


class Rejection(Schema):
    comment: text(2000) = Field(description="why, so the author can fix it")


class EmergencyPublish(Schema):
    reason: text(2000) = Field(description="recorded in the audit log")


class Unpublish(Schema):
    kind: WithdrawalKind
    reason: text(2000) = Field(description="shown with the withdrawal notice and kept in the audit log")
    redirect_url: RedirectUrl | None = None

    @model_validator(mode="after")
    def _redirect_needs_url(self) -> Unpublish:
        if (self.kind == WithdrawalKind.REDIRECT) != (self.redirect_url is not None):
            raise ValueError("kind=redirect 时须填写 redirect_url，其他情况不能填写")
        return self


class ValidityChange(Schema):
    validity: Validity
    note: text(500, 0) | None = Field(None, description="shown on the page with the mark, e.g. 已被新办法替代")
    replaced_by: Id | None = Field(None, description="the live document that replaces it (请参阅相关文件)")


class ValidityBulkChange(ValidityChange):
    """One mark for many documents of a site at once (e.g. a clean-up of expired policies)."""

    document_ids: list[Id] = Field(min_length=1, max_length=5000)
    dry_run: bool = Field(False, description="report what would happen, change nothing")


class ValidityRefusal(Schema):
    document_id: int
    reason: str


class ValidityReport(Schema):
    """What a bulk mark did: all of it, or (with any refusal, or a dry run) nothing."""

    applied: bool
    changed: list[int]
    unchanged: list[int] = Field(description="already carrying this mark")
    refused: list[ValidityRefusal]


class InterpretsUpdate(Schema):
    policy_ids: list[Id] = Field(max_length=20, description="live documents this one interprets (解读)")


class PushTarget(Schema):
    site_id: SiteId
    channel_id: Id


class PushRequest(Schema):
    targets: list[PushTarget] = Field(min_length=1, max_length=500)


class PlacementCreate(Schema):
    document_id: Id


class PlacementRead(ReadModel):
    id: int
    site_id: str
    channel_id: int
    document_id: int
    source_site_id: str
    kind: str
    url_path: str | None
    published_at: datetime | None
    created_by: str
    created_at: datetime


class RevisionRead(ReadModel):
    number: int
    created_by: str
    created_at: datetime
    live: bool = False


class FieldChange(ReadModel):
    field: str
    before: str | list | None
    after: str | list | None
    diff: list[str] = Field(default_factory=list, description="unified diff of text fields")


class RevisionDiff(ReadModel):
    document_id: int
    from_revision: int
    to_revision: int
    changes: list[FieldChange]


class ReviewActionRead(ReadModel):
    revision: int
    step: str | None
    action: str
    actor: str
    actor_name: str | None
    comment: str | None
    at: datetime


class CheckFinding(ReadModel):
    kind: Literal["sensitive", "wording", "broken_link"]
    field: str
    term: str
    suggestion: str | None = None
    excerpt: str


class CheckReport(ReadModel):
    passed: bool
    findings: list[CheckFinding]


class PushResult(ReadModel):
    placed: list[PlacementRead]
    already_present: list[PushTarget]


__all__ = [
    "CheckFinding",
    "CheckReport",
    "DocumentCreate",
    "DocumentRead",
    "DocumentSummary",
    "DocumentUpdate",
    "EmergencyPublish",
    "FieldChange",
    "InterpretsUpdate",
    "PlacementCreate",
    "PlacementRead",
    "PushRequest",
    "PushResult",
    "Rejection",
    "ReviewActionRead",
    "ReviewDecision",
    "RevisionDiff",
    "RevisionRead",
    "Unpublish",
    "ValidityChange",
    "WorkflowState",
    "reject_explicit_nulls",
]
