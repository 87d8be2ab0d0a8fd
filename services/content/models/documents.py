"""Documents with their revisions, links, placements, attachments and review history."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.content.lifecycle import WorkflowState
from services.content.models.base import Base, BigId, Json, Timestamps, utcnow
from shared.db.types import UtcDateTime
from shared.events.content import PublicState
from shared.tenancy import TenantScoped

# The revisioned part of a document; everything else (states, validity, index number) is an attribute.
CONTENT_FIELDS = (
    "channel_id",
    "title",
    "subtitle",
    "body_html",
    "summary",
    "author",
    "source",
    "keywords",
    "cover_id",
    "attachment_ids",
    "document_number",
    "written_on",
    "issuing_body",
    "topic_category",
    "subject_words",
)


class Document(TenantScoped, Timestamps, Base):
    """The working copy of a document plus its two states: where it is in review, and what the public sees.

    The public always sees `live_revision` (a frozen snapshot), so editing a live document never
    shows half-reviewed text; a new revision goes live only when its review completes.
    """

    __tablename__ = "documents"
    __table_args__ = (
        # The staff lists: newest change first, of a site, or of a site in one state (drafts, in review).
        Index("ix_documents_site_updated", "site_id", "updated_at", "id"),
        Index("ix_documents_site_workflow_updated", "site_id", "workflow_state", "updated_at", "id"),
        Index("ix_documents_due", "workflow_state", "publish_at"),
        Index("ix_documents_expiring", "public_state", "expires_at"),
        # A migrated document is found again by where it lived, so a re-run of its job updates it.
        UniqueConstraint("site_id", "legacy_key", name="uq_documents_site_legacy_key"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    subtitle: Mapped[str | None] = mapped_column(String(200))
    body_html: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(60))
    source: Mapped[str | None] = mapped_column(String(100))
    keywords: Mapped[list[str]] = mapped_column(Json, default=list)
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id", use_alter=True))
    attachment_ids: Mapped[list[int]] = mapped_column(Json, default=list)
    # 政府信息公开 metadata; the index number is given at first publication and never changes.
    index_number: Mapped[str | None] = mapped_column(String(60), unique=True)
    document_number: Mapped[str | None] = mapped_column(String(60))
    written_on: Mapped[date | None] = mapped_column(Date)
    issuing_body: Mapped[str | None] = mapped_column(String(100))
    topic_category: Mapped[str | None] = mapped_column(String(40))
    subject_words: Mapped[list[str]] = mapped_column(Json, default=list)
    validity: Mapped[str] = mapped_column(String(4), default="有效")
    validity_note: Mapped[str | None] = mapped_column(Text)  # shown with a 修改/废止/失效 mark
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL", use_alter=True))
    # Review: draft → in_review (step by step) → scheduled | published; rejection goes back to draft.
    workflow_state: Mapped[str] = mapped_column(String(12), default=WorkflowState.DRAFT)
    review_step: Mapped[int] = mapped_column(Integer, default=0)
    review_steps: Mapped[list[dict]] = mapped_column(Json, default=list)
    # Publication: unpublished → live → withdrawn | redirected | gone | expired (→ live again).
    public_state: Mapped[str] = mapped_column(String(12), default=PublicState.UNPUBLISHED)
    live_revision: Mapped[int | None] = mapped_column(Integer)
    live_title: Mapped[str | None] = mapped_column(String(200))  # what listings and links show
    url_path: Mapped[str | None] = mapped_column(String(500))
    publish_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    first_published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    unpublish_reason: Mapped[str | None] = mapped_column(Text)
    redirect_url: Mapped[str | None] = mapped_column(String(500))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(80))
    updated_by: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer, default=1)
    legacy_key: Mapped[str | None] = mapped_column(String(500))  # path[?query] on the legacy site it came from
    legacy_fingerprint: Mapped[str | None] = mapped_column(String(64))  # what the migration last brought


def document_content(doc: object) -> dict:
    """The revisioned fields of a document (entity or row), JSON-ready: what a DocumentRevision freezes."""
    content = {name: getattr(doc, name) for name in CONTENT_FIELDS}
    written_on = content["written_on"]
    content["written_on"] = written_on.isoformat() if written_on else None
    return content


class DocumentRevision(TenantScoped, Base):
    """A frozen copy of the document's content; revisions are compared to show what changed."""

    __tablename__ = "document_revisions"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_document_revisions_doc_number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(Json)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class DocumentLink(TenantScoped, Base):
    """An interpretation (解读, owned by site_id) of a policy document, which may belong to any site."""

    __tablename__ = "document_links"
    __table_args__ = (UniqueConstraint("interpretation_id", "policy_id", name="uq_document_links_pair"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    interpretation_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    policy_site_id: Mapped[str] = mapped_column(String(40))


class Placement(TenantScoped, Base):
    """A document appearing in a channel of site_id: its own (primary) or reposted, pushed, subscribed."""

    __tablename__ = "placements"
    __table_args__ = (
        UniqueConstraint("channel_id", "document_id", name="uq_placements_channel_document"),
        Index("ix_placements_listing", "site_id", "channel_id", "published_at"),
        Index("ix_placements_url", "site_id", "url_path"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    source_site_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12))
    url_path: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # copy, for listing order
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


def new_public_id() -> str:
    """The name of a file in public URLs: 128 random bits, so files cannot be found by counting."""
    return secrets.token_urlsafe(16)


class Attachment(TenantScoped, Base):
    """An uploaded file or image in the blob store; image renditions are made at upload."""

    __tablename__ = "attachments"
    # An import asks whether each legacy file is already an attachment of the site (one per content).
    __table_args__ = (Index("ix_attachments_site_blob_key", "site_id", "blob_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    kind: Mapped[str] = mapped_column(String(8))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    blob_key: Mapped[str] = mapped_column(String(500))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    renditions: Mapped[dict[str, str]] = mapped_column(Json, default=dict)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class LiveFile(TenantScoped, Base):
    """A file the live revision of a document shows (its cover or an attachment): the public may fetch it, on the
    sites the document is placed on, for as long as the document is live."""

    __tablename__ = "live_files"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"), primary_key=True, index=True)


class ReviewAction(TenantScoped, Base):
    """Who did what at which review step, and when (谁审查谁负责)."""

    __tablename__ = "review_actions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    step: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(80))
    actor_name: Mapped[str | None] = mapped_column(String(60))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
