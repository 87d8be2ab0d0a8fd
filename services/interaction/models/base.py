"""The declarative base of the interaction desk, its outbox and inbox, and the platform-wide tables: the sites
it follows, the holiday table, mail waiting to be sent, CAPTCHA challenges used."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.clock import utcnow
from shared.db.types import BigId, UtcDateTime, service_metadata
from shared.messaging.snapshots import SiteSnapshot
from shared.messaging.tables import InboxBase, OutboxBase


class Base(DeclarativeBase):
    metadata = service_metadata()


class Outbox(OutboxBase, Base):
    pass


class Inbox(InboxBase, Base):
    pass


class SiteEntry(SiteSnapshot, Base):
    """A site as its latest content.site event described it: letters are only taken for sites that exist."""

    __tablename__ = "sites"


class Holiday(Base):
    """The platform's holiday table: a day off or a make-up workday, overriding the package's calendar."""

    __tablename__ = "holidays"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(40))


class Mail(Base):
    """An e-mail written in the transaction of the step it tells about; the mailer sends it afterwards."""

    __tablename__ = "mails"
    __table_args__ = (Index("ix_mails_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    last_error: Mapped[str | None] = mapped_column(String(300), default=None)


class UsedCaptcha(Base):
    __tablename__ = "used_captchas"

    nonce: Mapped[str] = mapped_column(String(40), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
