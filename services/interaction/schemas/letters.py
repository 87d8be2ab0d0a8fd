"""Letters as they are sent, followed, published and handled: the requests and answers of the letter API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.interaction.schemas.common import (
    Category,
    Code,
    Decision,
    Email,
    IdNumber,
    Phone,
    Rating,
    Schema,
    text,
)
from services.interaction.schemas.desk import UnitRead


class LetterCreate(Schema):
    """A letter as the public form or a script sends it; no account needed."""

    kind: Literal["letter", "disclosure"] = "letter"
    category: Category = "咨询"
    addressee: Code | None = Field(None, description="the mailbox or department (its code); default: the first")
    title: text(100)  # type: ignore[valid-type]
    body: text(5000, 5)  # type: ignore[valid-type]
    name: text(30)  # type: ignore[valid-type]
    phone: Phone | None = None
    email: Email | None = None
    address: text(200, 0) | None = None  # type: ignore[valid-type]
    id_number: IdNumber | None = Field(None, description="依申请公开: the applicant's ID number")
    organisation: text(100, 0) | None = Field(None, description="a legal person's name")  # type: ignore[valid-type]
    public: bool = Field(True, description="the writer agrees to the letter and its answer being published")
    captcha_token: str | None = Field(None, max_length=100)
    captcha_answer: str | None = Field(None, max_length=10)
    website: str | None = Field(None, max_length=200, description="leave empty (a field only bots fill in)")


class LetterReceipt(BaseModel):
    id: int
    tracking_code: str
    status: str
    status_label: str
    received_at: datetime
    site_id: str


class StepView(BaseModel):
    at: datetime
    action: str
    label: str
    status_label: str
    unit: str | None
    note: str | None


class LetterStatusView(BaseModel):
    """What the 查询码 shows: the writer's own letter and its public history, no contact data."""

    id: int
    site_id: str
    kind: str
    category: str
    title: str
    body: str
    status: str
    status_label: str
    addressee: str
    unit: str | None
    received_at: datetime
    accepted_at: datetime | None
    due_on: date | None
    replied_at: datetime | None
    reply: str | None
    reply_unit: str | None
    decision: str | None
    decision_basis: str | None
    rating: str | None
    can_rate: bool
    can_supplement: bool
    published: bool
    steps: list[StepView]


class PublicLetter(BaseModel):
    """An answered letter as published: masked, with 受理日期, 答复日期, 答复部门 and the reply."""

    id: int
    site_id: str
    category: str
    title: str
    body: str
    addressee: str
    accepted_on: date | None
    replied_on: date | None
    reply_unit: str | None
    reply: str
    rating: str | None


class MyLetter(BaseModel):
    """One of the signed-in writer's own letters: where it went, where it stands, and where to follow it."""

    id: int
    site_id: str
    site_name: str
    kind: str
    category: str
    title: str
    addressee: str
    status: str
    status_label: str
    received_at: datetime
    replied_at: datetime | None
    tracking_code: str
    status_url: str = Field(description="the letter's page on its site, opened by its 查询码")


class LetterSummary(BaseModel):
    """A row of the desk's queue."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    site_id: str
    kind: str
    category: str
    title: str
    status: str
    status_label: str
    addressee: str
    unit: str | None
    received_at: datetime
    due_on: date | None
    urgency: Literal["overdue", "near", "ok", "paused", "none"]
    workdays_left: int | None
    extended: bool
    supervised: bool
    flagged_words: list[str]
    duplicate_of: int | None


class AttachmentView(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int


class LetterDetail(LetterSummary):
    """Everything about a letter, for those handling it."""

    body: str
    contact_name: str
    contact_phone: str | None
    contact_email: str | None
    contact_address: str | None
    id_number: str | None
    organisation: str | None
    wants_public: bool
    tracking_code: str
    reply_draft: str | None
    reply: str | None
    reply_unit: str | None
    decision: str | None
    decision_basis: str | None
    replied_at: datetime | None
    published_at: datetime | None
    rating: str | None
    rating_note: str | None
    attachments: list[AttachmentView]
    steps: list[StepView]
    actions: list[str] = Field(description="the steps the caller may take now")


StepAction = Literal[
    "accept", "reject", "assign", "clarify", "resume", "extend", "draft", "return", "approve",
    "publish", "unpublish", "reopen", "supervise", "close",
]  # fmt: skip


class StepRequest(Schema):
    """One step on a letter; which fields it needs depends on the step (a refusal names the missing one)."""

    note: text(2000, 0) | None = None  # type: ignore[valid-type]
    unit: Code | None = Field(None, description="accept, assign: the department (its code)")
    reply: text(20000, 0) | None = Field(None, description="draft: the answer")  # type: ignore[valid-type]
    decision: Decision | None = Field(None, description="draft of a 依申请公开 reply: its legal form")
    basis: text(200, 0) | None = Field(None, description="the article a refusal cites")  # type: ignore[valid-type]
    version: int | None = Field(None, ge=1, description="the version the caller saw (a stale one is refused)")


class RatingCreate(Schema):
    rating: Rating
    note: text(500, 0) | None = None  # type: ignore[valid-type]


class LetterClaim(Schema):
    tracking_code: str = Field(pattern=r"^[A-Za-z0-9 -]{4,40}$", description="the 查询码 the receipt gave")


class SupplementCreate(Schema):
    text: text(5000)  # type: ignore[valid-type]


class LetterForm(BaseModel):
    """What a site's letter form offers."""

    site_id: str
    site_name: str
    mailboxes: list[UnitRead]
    categories: list[str]
    captcha: bool
    max_attachments: int
    max_attachment_bytes: int


class Captcha(BaseModel):
    token: str
    image: str = Field(description="the image's path under the API")
