"""The render service's read model: sites, channels and live documents as content events described them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.clock import utcnow
from shared.db.types import BigId, Json, UtcDateTime, service_metadata
from shared.messaging.tables import InboxBase
from shared.tenancy import TenantScoped


class Base(DeclarativeBase):
    metadata = service_metadata()


class Inbox(InboxBase, Base):
    pass


class SiteView(Base):
    """A site as its latest content.site event described it (platform data: the host table is built from it)."""

    __tablename__ = "site_views"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(Json)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class ThemeSettings(TenantScoped, Base):
    """A site's own choices on top of its theme: colours, logo, extra footer lines."""

    __tablename__ = "theme_settings"
    __table_args__ = (UniqueConstraint("site_id", name="uq_theme_settings_site"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    values: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class ChannelView(TenantScoped, Base):
    __tablename__ = "channel_views"
    __table_args__ = (Index("ix_channel_views_site_path", "site_id", "path", unique=True),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)  # the content service's channel id
    version: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(BigId)
    path: Mapped[str] = mapped_column(String(400))
    position: Mapped[int] = mapped_column(Integer, default=0)
    snapshot: Mapped[dict[str, Any]] = mapped_column(Json)


class DocumentView(TenantScoped, Base):
    """A document that has been live, with its last snapshot and how it is off line if it is."""

    __tablename__ = "document_views"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)  # the content service's document id
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))  # a PublicState: live | withdrawn | redirected | gone | expired
    notice: Mapped[str | None] = mapped_column(String(500))
    redirect_url: Mapped[str | None] = mapped_column(String(500))
    snapshot: Mapped[dict[str, Any]] = mapped_column(Json)


class PageEntry(TenantScoped, Base):
    """One place a document appears on one site: its URL there and what lists and catalogues need."""

    __tablename__ = "page_entries"
    __table_args__ = (
        UniqueConstraint("site_id", "url_path", name="uq_page_entries_site_path"),
        # A list page is the next rows of this index, and its count is read from the index alone.
        Index("ix_page_entries_channel_listed_time", "site_id", "channel_path", "listed", "published_at"),
        # A site's entries of given documents: the tenant guard's site_id beside them must not pick the site_id
        # index, which walks the whole site (the mirror's paths: 37.5 ms at 100,000 documents, 0.8 with this).
        Index("ix_page_entries_site_document", "site_id", "document_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(BigId, index=True)
    owner_site_id: Mapped[str] = mapped_column(String(40))
    channel_id: Mapped[int] = mapped_column(BigId)
    channel_path: Mapped[str] = mapped_column(String(400))
    url_path: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(12))  # primary | repost | push | subscription
    listed: Mapped[bool] = mapped_column(default=True)  # False once withdrawn: the page stays, lists drop it
    title: Mapped[str] = mapped_column(String(300))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())
    topic_category: Mapped[str | None] = mapped_column(String(60))
    validity: Mapped[str | None] = mapped_column(String(4))
    # the 信息公开目录's columns and filters, and the thumbnail lists and 图片新闻 show
    index_number: Mapped[str | None] = mapped_column(String(60))
    document_number: Mapped[str | None] = mapped_column(String(60))
    issuing_body: Mapped[str | None] = mapped_column(String(100))
    written_on: Mapped[date | None] = mapped_column(Date)
    cover_path: Mapped[str | None] = mapped_column(String(300))  # its w320 rendition's public path


class Redirect(TenantScoped, Base):
    """A legacy URL of a site: 301 to its new place, or 410 when it is gone for good. Consulted first."""

    __tablename__ = "redirects"
    __table_args__ = (UniqueConstraint("site_id", "old_path", name="uq_redirects_site_path"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    old_path: Mapped[str] = mapped_column(String(500))
    target: Mapped[str | None] = mapped_column(String(1000))  # None: 410 Gone
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Preview(TenantScoped, Base):
    """A page not yet published, for whoever has the link until it expires: a draft document as content described
    it then, or the site's home with theme settings its admin has not saved yet."""

    __tablename__ = "previews"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_previews_token_hash"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the link's token: a leaked table opens nothing
    kind: Mapped[str] = mapped_column(String(10), default="document")  # document | home (a theme not yet saved)
    document_id: Mapped[int | None] = mapped_column(BigInteger)
    snapshot: Mapped[dict[str, Any]] = mapped_column(Json)  # the document, or the proposed theme settings
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
