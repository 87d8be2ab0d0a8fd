"""Consultations (意见征集) and their comments, surveys (网上调查) and their responses, interviews (在线访谈) with
their questions and transcript, and the one moderation record over all of them: reports and blocked writers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.interaction.models.base import Base
from shared.clock import utcnow
from shared.db.types import BigId, Json, UtcDateTime
from shared.tenancy import TenantScoped


class Consultation(TenantScoped, Base):
    """A draft open for comment over a period, then closed with a feedback report (what was adopted, and why)."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    document_id: Mapped[int | None] = mapped_column(BigId, default=None)  # the content library's draft
    sections: Mapped[list[str]] = mapped_column(Json, default=list)  # the draft's articles, commented one by one
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft | open | closed | reported
    report: Mapped[str | None] = mapped_column(Text, default=None)  # 意见采纳情况
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    created_by: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer, default=1)


class Comment(TenantScoped, Base):
    """A comment on a consultation (on one article, or on the whole); adopted or not, with the reason."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_consultation", "consultation_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    section: Mapped[int | None] = mapped_column(Integer, default=None)
    name: Mapped[str] = mapped_column(String(30))
    contact: Mapped[str | None] = mapped_column(String(200), default=None)  # never shown
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="visible")  # visible | hidden
    reports: Mapped[int] = mapped_column(Integer, default=0)
    adopted: Mapped[bool | None] = mapped_column(Boolean, default=None)
    response: Mapped[str | None] = mapped_column(Text, default=None)
    client_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Survey(TenantScoped, Base):
    """Questions (single, multiple, text, rating, matrix) open over a period; one answer per person."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft | open | closed
    live_results: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer, default=1)


class SurveyResponse(TenantScoped, Base):
    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("survey_id", "respondent"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    respondent: Mapped[str] = mapped_column(String(64))  # the account's, or the device's and address's, hash
    answers: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Interview(TenantScoped, Base):
    """A scheduled talk with guests: questions before and during, a live transcript, then an archive."""

    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    guests: Mapped[list[dict[str, str]]] = mapped_column(Json, default=list)  # [{name, title}]
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(12), default="scheduled")  # scheduled | live | archived
    video_url: Mapped[str | None] = mapped_column(String(500), default=None)
    audio_url: Mapped[str | None] = mapped_column(String(500), default=None)
    created_by: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer, default=1)


class InterviewQuestion(TenantScoped, Base):
    """A visitor's question: shown once a moderator lets it through, answered in the transcript."""

    __tablename__ = "interview_questions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    name: Mapped[str] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | visible | hidden | answered
    reports: Mapped[int] = mapped_column(Integer, default=0)
    client_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class TranscriptLine(TenantScoped, Base):
    __tablename__ = "transcript_lines"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    speaker: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    question_id: Mapped[int | None] = mapped_column(BigId, default=None)  # the visitor's question it answers


class Report(TenantScoped, Base):
    """A visitor's report of a comment or question (with the reason); enough of them hide it until a moderator
    looks."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("target", "target_id", "client_hash"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    target: Mapped[str] = mapped_column(String(12))  # comment | question
    target_id: Mapped[int] = mapped_column(BigId)
    reason: Mapped[str] = mapped_column(String(200))
    client_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class BlockedWriter(TenantScoped, Base):
    """An address a site's moderators blocked: its comments and questions are refused until unblocked."""

    __tablename__ = "blocked_writers"
    __table_args__ = (UniqueConstraint("site_id", "client_hash"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    client_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200))
    blocked_by: Mapped[str] = mapped_column(String(80))
    blocked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
