"""Outbox and inbox tables, declared in each service's own metadata (a service owns its tables)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from shared.db.types import UtcDateTime

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)


class OutboxBase:
    """Events written in the same transaction as the change that caused them."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    topic: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(120))
    site_id: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(120))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)

    @declared_attr.directive
    def __table_args__(cls) -> tuple:  # noqa: N805 - a fresh Index for each service's table
        pending = text("published_at IS NULL")
        return (Index("ix_outbox_pending", "id", postgresql_where=pending, sqlite_where=pending),)


class InboxBase:
    """Ids of events a consumer has handled; the effect and this row commit together."""

    __tablename__ = "inbox"

    consumer: Mapped[str] = mapped_column(String(80), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(120))
    handled_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
