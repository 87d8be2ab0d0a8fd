"""The content audit log: append-only, every change with who, what, when and from which request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from services.content.models.base import Base, BigId, Json, utcnow
from shared.db.types import UtcDateTime
from shared.tenancy import TenantScoped


class AuditEntry(TenantScoped, Base):
    """Append-only record of every change: who, what, when, from which request."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "site_id", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(60))
    details: Mapped[dict] = mapped_column(Json, default=dict)
    request_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
