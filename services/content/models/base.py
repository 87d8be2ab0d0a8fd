"""The declarative base of the content service, and its outbox and inbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.clock import utcnow
from shared.db.types import BigId, Json, UtcDateTime, service_metadata
from shared.messaging.tables import InboxBase, OutboxBase


class Base(DeclarativeBase):
    metadata = service_metadata()


class Outbox(OutboxBase, Base):
    pass


class Inbox(InboxBase, Base):
    pass


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


__all__ = ["Base", "BigId", "Inbox", "Json", "Outbox", "Timestamps", "utcnow"]
