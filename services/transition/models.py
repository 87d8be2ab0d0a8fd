"""The migration service's tables: jobs with their audit trail, every legacy URL with its decision, the crawl's
frontier (so a cancelled or crashed crawl resumes without fetching anything twice), its outbox and inbox."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db.types import BigId, Json, UtcDateTime, service_metadata
from shared.messaging.snapshots import SiteSnapshot
from shared.messaging.tables import InboxBase, OutboxBase
from shared.tenancy import TenantScoped


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = service_metadata()


class Outbox(OutboxBase, Base):
    pass


class Inbox(InboxBase, Base):
    pass


class Job(TenantScoped, Base):
    """One legacy site (or several, a county's consolidation) brought into one target site."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(1000))  # the legacy site's address, or a mirror's directory
    legacy_domains: Mapped[list[str]] = mapped_column(Json, default=list)
    mapping: Mapped[dict[str, int]] = mapped_column(Json, default=dict)  # legacy section → channel id
    default_channel_id: Mapped[int | None] = mapped_column(Integer)  # where documents of unmapped sections go
    rules: Mapped[dict] = mapped_column(Json, default=dict)  # CSS selectors of the main text, title, date …
    publish: Mapped[bool] = mapped_column(Boolean, default=True)  # published, or drafts for review
    per_second: Mapped[float] = mapped_column(Float, default=4.0)  # requests per second to the legacy site
    resolve: Mapped[dict[str, str]] = mapped_column(Json, default=dict)  # host → ip:port of the old server
    state: Mapped[str] = mapped_column(String(12), default="planned")
    run: Mapped[int] = mapped_column(Integer, default=0)  # how many times it was started
    pages: Mapped[int] = mapped_column(Integer, default=0)  # read in its current run
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class JobLog(TenantScoped, Base):
    """Every step and decision of a job, who took it and when: the audit trail operators and admins read."""

    __tablename__ = "job_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(80))
    actor_name: Mapped[str] = mapped_column(String(80), default="")  # as the log shows it: 赵敏, 迁移服务
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(Json, default=dict)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class LegacyUrl(TenantScoped, Base):
    """A URL of a legacy site and its decision: the document it became (301), a page chosen for it (301), or gone
    (410). Keyed per target site by path[?query], so a re-run, or a second job, finds it again."""

    __tablename__ = "legacy_urls"
    __table_args__ = (
        UniqueConstraint("site_id", "legacy_key", name="uq_legacy_urls_site_key"),
        # A job's progress, counted from it alone (the tenant guard's site_id included: else each row is read).
        Index("ix_legacy_urls_job_state_kind_site", "job_id", "state", "kind", "site_id"),
        Index("ix_legacy_urls_site_target", "site_id", "target"),  # redirects on the legacy site, made direct
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    legacy_key: Mapped[str] = mapped_column(String(500))
    legacy_url: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(String(10))  # document | list | file | other
    # staged → imported | refused (documents); mapped (a chosen page); gone (410); unmapped (nothing decided)
    state: Mapped[str] = mapped_column(String(10))
    title: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    document_id: Mapped[int | None] = mapped_column(BigId)
    target: Mapped[str | None] = mapped_column(String(1000))  # where it answers 301 to
    reason: Mapped[str | None] = mapped_column(Text)  # why it was refused or could not be read
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    hits: Mapped[int] = mapped_column(Integer, default=0)  # 404s visitors got on it (the renderer's count)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class FrontierUrl(Base):
    """A URL a crawl found: queued, taken by a worker, or done with the validators its answer carried."""

    __tablename__ = "frontier"
    # Each take asks the job's next queued URLs in the order found: an index walk, not a scan of the whole frontier.
    __table_args__ = (Index("ix_frontier_job_state_seq", "job_id", "state", "seq"),)

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    state: Mapped[str] = mapped_column(String(8), default="queued")  # queued | taken | done
    seq: Mapped[int] = mapped_column(BigId, default=0)  # order found: breadth first
    etag: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


class PushedFile(TenantScoped, Base):
    """A legacy file the operator's machine pushed for a job (a mirror's PDF), already in the blob store: a page of
    the job that links it adopts it, as a crawl adopts the file it downloads."""

    __tablename__ = "pushed_files"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    legacy_key: Mapped[str] = mapped_column(String(500), primary_key=True)  # //host/path?query
    legacy_url: Mapped[str] = mapped_column(String(1000))
    blob_key: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigId)
    sha256: Mapped[str] = mapped_column(String(64))


class SiteEntry(SiteSnapshot, Base):
    """A target site as its newest content.site event described it (its domains, its status)."""

    __tablename__ = "sites"


class ChannelEntry(TenantScoped, Base):
    """A channel of a target site as its newest content.channel event described it: what a section maps to."""

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(Json)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
