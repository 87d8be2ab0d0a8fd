"""Events of the content library (统一信息资源库): sites, channels and documents, with full snapshots."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from shared.events.envelope import Event

SITES_TOPIC = "content.sites"
CHANNELS_TOPIC = "content.channels"
DOCUMENTS_TOPIC = "content.documents"


class PublicState(StrEnum):
    """What the public sees of a document: the content library keeps it, consumers follow it from the events."""

    UNPUBLISHED = "unpublished"
    LIVE = "live"
    WITHDRAWN = "withdrawn"  # the page stays, with a notice
    REDIRECTED = "redirected"  # the page answers 301 to another address
    GONE = "gone"  # the page answers 410
    EXPIRED = "expired"  # taken down at its expiry time, like a withdrawal


class WithdrawalKind(StrEnum):
    """How a live document is taken off line (DocumentWithdrawn.kind), and the public state each leads to."""

    WITHDRAW = "withdraw"
    REDIRECT = "redirect"
    GONE = "gone"

    @property
    def public_state(self) -> PublicState:
        return _AFTER_WITHDRAWAL[self]


_AFTER_WITHDRAWAL = {
    WithdrawalKind.WITHDRAW: PublicState.WITHDRAWN,
    WithdrawalKind.REDIRECT: PublicState.REDIRECTED,
    WithdrawalKind.GONE: PublicState.GONE,
}


SiteTheme = Literal["default", "province", "county", "department"]  # the renderer ships one set of templates each
THEME_OF_LEVEL: dict[str, SiteTheme] = {
    "province": "province",
    "city": "county",
    "county": "county",
    "department": "department",
}


class _Snapshot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class SiteSnapshot(_Snapshot):
    id: str
    name: str
    host_unit: str
    site_code: str
    icp_number: str | None
    police_number: str | None
    main_domain: str
    domains: list[str]
    level: Literal["province", "city", "county", "department"]
    parent_id: str | None
    theme: str
    status: Literal["building", "online", "closed"]
    # added in place (defaults keep older v1 events readable): what every page footer shows
    abbreviation: str = ""
    contact_phone: str | None = None
    contact_email: str | None = None
    contact_address: str | None = None
    successor_id: str | None = None  # a closed site's visitors go there (the site it merged into, or its parent)
    lang: str = "zh-CN"  # the language its pages are in (BCP 47): the group runs foreign-language sites


class ChannelSnapshot(_Snapshot):
    id: int
    site_id: str
    parent_id: int | None
    name: str
    slug: str
    path: str
    kind: Literal["list", "page", "link", "topic"]
    link_url: str | None
    description: str
    keywords: list[str]
    position: int


class Placement(_Snapshot):
    """Where a document appears: its own channel, or another site's (转载/引用/推送)."""

    site_id: str
    site_main_domain: str
    channel_id: int
    channel_path: str
    channel_name: str
    kind: Literal["primary", "repost", "push", "subscription"]
    url_path: str


class AttachmentSnapshot(_Snapshot):
    id: int
    public_id: str = ""  # added in place: the file's public name (/files/<public_id>/<filename>); "" in older events
    filename: str
    content_type: str
    size: int
    blob_key: str
    renditions: dict[str, str]


class DocumentRef(_Snapshot):
    id: int
    site_id: str
    title: str
    url_path: str | None


class DisclosureSnapshot(_Snapshot):
    index_number: str
    document_number: str | None
    written_on: date | None
    issuing_body: str | None
    topic_category: str | None
    subject_words: list[str]
    validity: Literal["有效", "修改", "废止", "失效"]
    # added in place (defaults keep older v1 events readable): why, and what replaces it
    validity_note: str | None = None
    replaced_by: DocumentRef | None = None


class DocumentSnapshot(_Snapshot):
    id: int
    site_id: str
    channel_id: int
    title: str
    subtitle: str | None
    body_html: str
    summary: str | None
    author: str | None
    source: str | None
    keywords: list[str]
    cover: AttachmentSnapshot | None
    attachments: list[AttachmentSnapshot]
    disclosure: DisclosureSnapshot | None
    interpretations: list[DocumentRef]
    interprets: list[DocumentRef]
    url_path: str
    published_at: datetime
    first_published_at: datetime
    expires_at: datetime | None
    revision: int


class SiteEvent(Event):
    topic = SITES_TOPIC
    site: SiteSnapshot


class SiteCreated(SiteEvent):
    type = "content.site.created.v1"


class SiteUpdated(SiteEvent):
    type = "content.site.updated.v1"


class ChannelEvent(Event):
    topic = CHANNELS_TOPIC
    channel: ChannelSnapshot
    site: SiteSnapshot


class ChannelCreated(ChannelEvent):
    type = "content.channel.created.v1"


class ChannelUpdated(ChannelEvent):
    type = "content.channel.updated.v1"


class ChannelDeleted(ChannelEvent):
    type = "content.channel.deleted.v1"


class DocumentEvent(Event):
    topic = DOCUMENTS_TOPIC
    document: DocumentSnapshot
    site: SiteSnapshot
    placements: list[Placement]


class DocumentPublished(DocumentEvent):
    """First time live, or live again after a withdrawal."""

    type = "content.document.published.v1"


class DocumentUpdated(DocumentEvent):
    """A live document changed: new approved revision, validity, or where it appears."""

    type = "content.document.updated.v1"
    change: Literal["revision", "validity", "placements", "links"]
    removed_placements: list[Placement] = []


class DocumentWithdrawn(DocumentEvent):
    """Taken off line: the page stays with a notice, redirects elsewhere, or is gone (410)."""

    type = "content.document.withdrawn.v1"
    kind: WithdrawalKind
    reason: str | None
    redirect_url: str | None


class DocumentExpired(DocumentEvent):
    """Scheduled expiry reached; the page is taken down like a withdrawal."""

    type = "content.document.expired.v1"
