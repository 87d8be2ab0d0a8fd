"""The search service's own tables: what it has indexed (the index is rebuilt from these), what editors
curate (synonyms, best bets, Q&A pairs) and what the public asked (query log, clicks)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.clock import utcnow
from shared.db.types import BigId, Json, UtcDateTime, service_metadata
from shared.messaging.snapshots import SiteSnapshot
from shared.messaging.tables import InboxBase
from shared.tenancy import TenantScoped

PLATFORM_WIDE = "*"  # site_id of curation rows that apply to every site (platform operators edit them)


class Base(DeclarativeBase):
    metadata = service_metadata()


class Inbox(InboxBase, Base):
    pass


class SiteEntry(SiteSnapshot, Base):
    """A site as its latest content.site event described it: its level and parent give the search scopes."""

    __tablename__ = "sites"

    keep_withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)  # the site's choice, kept across events


class Entry(TenantScoped, Base):
    """One searchable thing (a document; later a public letter, a dataset) as its newest event gave it.

    `pending` marks an entry the index has yet to take: the consumer sets it in the event's transaction, the
    indexer clears it after the engine commits, so a crash between the two only repeats an idempotent write."""

    __tablename__ = "entries"
    __table_args__ = (Index("ix_entries_pending", "pending", "updated_at"),)

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12))
    snapshot: Mapped[dict[str, Any]] = mapped_column(Json)
    pending: Mapped[bool] = mapped_column(Boolean, default=True)
    views: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0"
    )  # its pages read (the renderer's counts): popularity
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AttachmentText(Base):
    """The text of an attachment, extracted once (a re-index does not fetch the file again)."""

    __tablename__ = "attachment_texts"

    blob_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str | None] = mapped_column(String(300), nullable=True)
    extracted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Synonym(TenantScoped, Base):
    """Words that mean the same (医保, 医疗保险, 基本医疗保险) for one site's search or the whole platform's."""

    __tablename__ = "synonyms"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    words: Mapped[list[str]] = mapped_column(Json)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class BestBet(TenantScoped, Base):
    """置顶: for this query on this site, this page first."""

    __tablename__ = "best_bets"
    __table_args__ = (UniqueConstraint("site_id", "query", "url", name="uq_best_bets_site_query_url"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    query: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class QaPair(TenantScoped, Base):
    """智能问答: a question the public asks and the site's answer, shown above the results when it matches."""

    __tablename__ = "qa_pairs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    question: Mapped[str] = mapped_column(String(200))
    answer: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class QueryLog(TenantScoped, Base):
    """One search as asked (site = the site it was asked on): top, zero-result and corrected queries."""

    __tablename__ = "query_log"
    __table_args__ = (Index("ix_query_log_site_at", "site_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    query: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(10))
    results: Mapped[int] = mapped_column(Integer)
    corrected: Mapped[str | None] = mapped_column(String(100), nullable=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Click(TenantScoped, Base):
    """A result followed from a search page (the link's ping): click-through per query."""

    __tablename__ = "clicks"
    __table_args__ = (Index("ix_clicks_site_at", "site_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    query: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
