"""The declarative base of the open-data portal, its outbox and inbox, the sites it follows, and call counts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db.types import service_metadata
from shared.messaging.snapshots import SiteSnapshot
from shared.messaging.tables import InboxBase, OutboxBase


class Base(DeclarativeBase):
    metadata = service_metadata()


class Outbox(OutboxBase, Base):
    pass


class Inbox(InboxBase, Base):
    pass


class SiteEntry(SiteSnapshot, Base):
    """A site as its latest content.site event described it: datasets belong to sites that exist."""

    __tablename__ = "sites"


class Usage(Base):
    """Calls and downloads counted per day, dataset and key ('' for calls without one): what the catalogue
    shows as 调用量/下载量 and a developer sees of their quota. Written in batches, never per request."""

    __tablename__ = "usage"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # api | download
    site_id: Mapped[str] = mapped_column(String(40), index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    owner_id: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)  # the key's owner
