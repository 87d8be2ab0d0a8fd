"""Outbox and inbox tables, declared in each service's own metadata (a service owns its tables)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from shared.clock import utcnow
from shared.db.types import BigId, UtcDateTime

# The relay's purge finds the rows published before the retention by this index: without it every purge read the
# whole outbox, whose rows hold whole documents (0.4 s a purge, every 10,000 events, at 80,000 migrated documents).
PUBLISHED_INDEX, PUBLISHED = "ix_outbox_published", "published_at IS NOT NULL"


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
        pending, published = text("published_at IS NULL"), text(PUBLISHED)
        return (
            Index("ix_outbox_pending", "id", postgresql_where=pending, sqlite_where=pending),
            Index(PUBLISHED_INDEX, "published_at", postgresql_where=published, sqlite_where=published),
        )


class InboxBase:
    """Ids of events a consumer has handled; the effect and this row commit together."""

    __tablename__ = "inbox"

    consumer: Mapped[str] = mapped_column(String(80), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(120))
    handled_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


def create_outbox_table(op: Any) -> None:
    """The outbox as a migration creates it (`op` is alembic's): for a downgrade that brings it back."""
    op.create_table(
        "outbox",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("topic", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("site_id", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=120), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("event_id", name="uq_outbox_event_id"),
    )
    pending = sa.text("published_at IS NULL")
    op.create_index("ix_outbox_pending", "outbox", ["id"], postgresql_where=pending, sqlite_where=pending)


def create_outbox_published_index(op: Any) -> None:
    """The index the relay's purge reads (`op` is alembic's)."""
    published = sa.text(PUBLISHED)
    op.create_index(PUBLISHED_INDEX, "outbox", ["published_at"], postgresql_where=published, sqlite_where=published)


def drop_outbox_published_index(op: Any) -> None:
    op.drop_index(PUBLISHED_INDEX, table_name="outbox")


def create_inbox_table(op: Any) -> None:
    """The inbox as a migration creates it (`op` is alembic's): for a downgrade that brings it back."""
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(length=80), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=120), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    )


def drop_outbox_table(op: Any) -> None:
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.drop_table("outbox")
