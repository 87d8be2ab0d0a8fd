"""Consultations, surveys, interviews and their moderation: what the public sends and reads, what the desk writes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from services.interaction.schemas.common import Schema, text

HttpUrl = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^(https?://|/)\S+$")]
QuestionKind = Literal["single", "multiple", "text", "rating", "matrix"]
Answer = str | list[str] | int | dict[str, str]


class Period(Schema):
    @model_validator(mode="after")
    def _closes_after_it_opens(self) -> Period:
        opens, closes = getattr(self, "opens_at", None), getattr(self, "closes_at", None)
        if opens is not None and closes is not None and closes <= opens:
            raise ValueError("closes_at 须晚于 opens_at")
        return self


class ConsultationWrite(Period):
    title: text(200)  # type: ignore[valid-type]
    summary: text(2000, 0) = ""  # type: ignore[valid-type]
    document_id: int | None = Field(None, ge=1, description="the draft in the content library, if it is there")
    sections: list[text(5000)] = Field(min_length=1, max_length=200, description="the draft's articles, in order")  # type: ignore[valid-type]
    opens_at: datetime
    closes_at: datetime


class CommentCreate(Schema):
    section: int | None = Field(None, ge=0, lt=200, description="the article commented on (none: the whole)")
    name: text(30)  # type: ignore[valid-type]
    contact: text(200, 0) | None = Field(None, description="phone or e-mail; never shown")  # type: ignore[valid-type]
    body: text(2000, 2)  # type: ignore[valid-type]
    website: str | None = Field(None, max_length=200, description="leave empty (a field only bots fill in)")


class CommentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    section: int | None
    name: str
    body: str
    created_at: datetime
    adopted: bool | None
    response: str | None


class ConsultationRead(BaseModel):
    id: int
    site_id: str
    title: str
    summary: str
    document_id: int | None
    sections: list[str]
    opens_at: datetime
    closes_at: datetime
    status: str
    status_label: str
    accepting: bool = Field(description="comments are taken now")
    report: str | None
    reported_at: datetime | None
    comments: int


class ConsultationPage(BaseModel):
    consultation: ConsultationRead
    comments: list[CommentRead]


class DeskComment(CommentRead):
    status: str
    contact: str | None
    reports: int


class AdoptionWrite(Schema):
    adopted: bool
    response: text(1000) = Field(description="why it was or was not adopted")  # type: ignore[valid-type]


class FeedbackReport(Schema):
    report: text(20000)  # type: ignore[valid-type]


class Question(Schema):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,19}$")]
    kind: QuestionKind
    text: text(300)  # type: ignore[valid-type]
    options: list[text(100)] = Field(default_factory=list, max_length=30)  # type: ignore[valid-type]
    rows: list[text(100)] = Field(default_factory=list, max_length=30)  # type: ignore[valid-type]
    required: bool = True

    @model_validator(mode="after")
    def _has_what_its_kind_needs(self) -> Question:
        if self.kind in ("single", "multiple", "matrix") and len(self.options) < 2:
            raise ValueError(f"{self.id}: 选择题至少要有两个选项")
        if self.kind == "matrix" and not self.rows:
            raise ValueError(f"{self.id}: 矩阵题要有行")
        return self


class SurveyWrite(Period):
    title: text(200)  # type: ignore[valid-type]
    intro: text(5000, 0) = ""  # type: ignore[valid-type]
    questions: list[Question] = Field(min_length=1, max_length=50)
    opens_at: datetime
    closes_at: datetime
    live_results: bool = False

    @model_validator(mode="after")
    def _question_ids_differ(self) -> SurveyWrite:
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("questions: 题目编号不能重复")
        return self


class SurveyRead(BaseModel):
    id: int
    site_id: str
    title: str
    intro: str
    questions: list[Question]
    opens_at: datetime
    closes_at: datetime
    status: str
    status_label: str
    accepting: bool
    live_results: bool
    responses: int


class ResponseCreate(Schema):
    answers: dict[str, Answer | None] = Field(max_length=50)
    device: str | None = Field(None, max_length=64, description="the page's device mark (one answer per device)")
    website: str | None = Field(None, max_length=200)


class OptionCount(BaseModel):
    option: str
    count: int
    share: float


class QuestionResult(BaseModel):
    id: str
    text: str
    kind: str
    answered: int
    options: list[OptionCount] = []
    rows: dict[str, list[OptionCount]] = {}
    average: float | None = None


class SurveyResults(BaseModel):
    survey_id: int
    responses: int
    questions: list[QuestionResult]


class Guest(Schema):
    name: text(30)  # type: ignore[valid-type]
    title: text(100, 0) = ""  # type: ignore[valid-type]


class InterviewWrite(Schema):
    title: text(200)  # type: ignore[valid-type]
    summary: text(5000, 0) = ""  # type: ignore[valid-type]
    guests: list[Guest] = Field(min_length=1, max_length=10)
    starts_at: datetime
    video_url: HttpUrl | None = None
    audio_url: HttpUrl | None = None


class SurveyStatus(Schema):
    status: Literal["open", "closed"]


class InterviewStatus(Schema):
    status: Literal["scheduled", "live", "archived"]


class QuestionCreate(Schema):
    name: text(30)  # type: ignore[valid-type]
    body: text(1000, 2)  # type: ignore[valid-type]
    website: str | None = Field(None, max_length=200)


class QuestionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    body: str
    status: str
    created_at: datetime


class LineWrite(Schema):
    speaker: text(60)  # type: ignore[valid-type]
    text: text(5000)  # type: ignore[valid-type]
    question_id: int | None = Field(None, ge=1)


class LineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    speaker: str
    text: str
    question_id: int | None


class InterviewRead(BaseModel):
    id: int
    site_id: str
    title: str
    summary: str
    guests: list[Guest]
    starts_at: datetime
    status: str
    status_label: str
    video_url: str | None
    audio_url: str | None
    questions: list[QuestionRead]
    transcript: list[LineRead]


class ReportCreate(Schema):
    reason: text(200)  # type: ignore[valid-type]


class ModerationItem(BaseModel):
    target: Literal["comment", "question"]
    id: int
    where: str = Field(description="the consultation or interview it belongs to")
    name: str
    body: str
    status: str
    reports: int
    reasons: list[str]
    created_at: datetime


class ModerationAction(Schema):
    action: Literal["hide", "restore", "block", "unblock"]
    reason: text(200, 0) | None = None  # type: ignore[valid-type]
