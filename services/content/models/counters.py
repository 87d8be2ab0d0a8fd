"""Gap-free per-site sequences, such as the serial of the 索引号."""

from __future__ import annotations

from sqlalchemy import BigInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.content.models.base import Base, BigId
from shared.tenancy import TenantScoped


class Counter(TenantScoped, Base):
    """Gap-free per-site sequences, e.g. the 索引号 serial of one unit in one year."""

    __tablename__ = "counters"

    __table_args__ = (UniqueConstraint("site_id", "name", name="uq_counters_site_name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80))
    value: Mapped[int] = mapped_column(BigInteger, default=0)
