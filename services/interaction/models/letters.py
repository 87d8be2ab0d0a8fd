"""Letters and every step taken on them, the departments they go to, reply templates and each site's desk
settings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.interaction.models.base import Base
from shared.clock import utcnow
from shared.db.types import BigId, Json, UtcDateTime
from shared.tenancy import TenantScoped


class Unit(TenantScoped, Base):
    """Where a letter may go: a leader's mailbox (书记信箱, 县长信箱) or a department (县教育局)."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12))  # leader | department
    email: Mapped[str | None] = mapped_column(String(200), default=None)  # where its new letters are announced
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Letter(TenantScoped, Base):
    """One letter (or 依申请公开 request): what the writer sent, where it is, its clock, its answer."""

    __tablename__ = "letters"
    __table_args__ = (
        Index("ix_letters_queue", "site_id", "status", "due_on"),
        Index("ix_letters_fingerprint", "site_id", "fingerprint"),
        Index("ix_letters_client", "client_hash", "received_at"),
        Index("ix_letters_public", "site_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(12))  # letter | disclosure
    category: Mapped[str] = mapped_column(String(12))
    addressee_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), default=None)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str] = mapped_column(String(60))
    contact_phone: Mapped[str | None] = mapped_column(String(30), default=None)
    contact_email: Mapped[str | None] = mapped_column(String(200), default=None)
    contact_address: Mapped[str | None] = mapped_column(String(200), default=None)
    id_number: Mapped[str | None] = mapped_column(String(30), default=None)  # 依申请公开: the applicant's ID
    organisation: Mapped[str | None] = mapped_column(String(100), default=None)  # a legal person's name
    submitter: Mapped[str | None] = mapped_column(String(80), default=None, index=True)  # the account, if signed in
    wants_public: Mapped[bool] = mapped_column(Boolean, default=True)
    tracking_code: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(12))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    clock_from: Mapped[date | None] = mapped_column(Date, default=None)  # 受理 (or reopening) day: day 0
    limit_days: Mapped[int] = mapped_column(Integer, default=0)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_since: Mapped[date | None] = mapped_column(Date, default=None)
    paused_workdays: Mapped[int] = mapped_column(Integer, default=0)
    due_on: Mapped[date | None] = mapped_column(Date, default=None)
    alerted: Mapped[str | None] = mapped_column(String(8), default=None)  # near | overdue: the last alert sent
    reply_draft: Mapped[str | None] = mapped_column(Text, default=None)
    reply: Mapped[str | None] = mapped_column(Text, default=None)
    reply_unit: Mapped[str | None] = mapped_column(String(100), default=None)
    decision: Mapped[str | None] = mapped_column(String(20), default=None)  # 依申请公开: the form of the reply
    decision_basis: Mapped[str | None] = mapped_column(String(200), default=None)  # the article cited
    replied_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    public_title: Mapped[str | None] = mapped_column(String(200), default=None)
    public_body: Mapped[str | None] = mapped_column(Text, default=None)
    public_reply: Mapped[str | None] = mapped_column(Text, default=None)
    rating: Mapped[str | None] = mapped_column(String(8), default=None)
    rating_note: Mapped[str | None] = mapped_column(String(500), default=None)
    supervised: Mapped[bool] = mapped_column(Boolean, default=False)
    duplicate_of: Mapped[int | None] = mapped_column(BigId, default=None)
    flagged_words: Mapped[list[str]] = mapped_column(Json, default=list)
    fingerprint: Mapped[str] = mapped_column(String(64))
    client_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class LetterStep(TenantScoped, Base):
    """One step of a letter's handling, kept for ever: who, when, what, and what the writer may see of it."""

    __tablename__ = "letter_steps"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    actor_name: Mapped[str | None] = mapped_column(String(100), default=None)
    action: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))  # the letter's status after the step
    unit: Mapped[str | None] = mapped_column(String(100), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    public: Mapped[bool] = mapped_column(Boolean, default=True)  # shown with the 查询码 (internal notes are not)


class LetterAttachment(TenantScoped, Base):
    __tablename__ = "letter_attachments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    blob_key: Mapped[str] = mapped_column(String(300))


class ReplyTemplate(TenantScoped, Base):
    __tablename__ = "reply_templates"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)


class DeskSettings(TenantScoped, Base):
    """A site's choices: whether its forms ask for a CAPTCHA, its own sensitive words, where alerts go."""

    __tablename__ = "desk_settings"

    site_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    captcha: Mapped[bool] = mapped_column(Boolean, default=False)
    sensitive_words: Mapped[list[str]] = mapped_column(Json, default=list)
    office_email: Mapped[str | None] = mapped_column(String(200), default=None)
