"""The platform's dictionaries: the check dictionaries (敏感词 and 严重表述错误, with each site's own additions) and
the 主题分类 vocabulary every document's category comes from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.content.models.base import Base, BigId, utcnow
from shared.db.types import UtcDateTime
from shared.tenancy import TenantScoped


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


class TopicCategory(Base):
    """One 主题分类 of the controlled vocabulary: the national list the platform ships, plus what the province adds."""

    __tablename__ = "topic_categories"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=1000)
    national: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
