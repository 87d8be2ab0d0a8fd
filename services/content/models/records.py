"""Audit log, check dictionaries and per-site counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, UniqueConstraint
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


class _CheckTermColumns:
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(12))  # sensitive | wording
    term: Mapped[str] = mapped_column(String(100))
    suggestion: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class PlatformCheckTerm(_CheckTermColumns, Base):
    """Dictionary entries every site is checked against (platform data)."""

    __tablename__ = "platform_check_terms"
    __table_args__ = (UniqueConstraint("kind", "term", name="uq_platform_check_terms_kind_term"),)


class SiteCheckTerm(TenantScoped, _CheckTermColumns, Base):
    """A site's own additions to the dictionaries."""

    __tablename__ = "site_check_terms"
    __table_args__ = (UniqueConstraint("site_id", "kind", "term", name="uq_site_check_terms_kind_term"),)


class Counter(TenantScoped, Base):
    """Gap-free per-site sequences, e.g. the 索引号 serial of one unit in one year."""

    __tablename__ = "counters"

    __table_args__ = (UniqueConstraint("site_id", "name", name="uq_counters_site_name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80))
    value: Mapped[int] = mapped_column(BigInteger, default=0)
