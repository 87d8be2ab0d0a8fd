"""Tables owned by the content service."""

from services.content.models.audit import AuditEntry
from services.content.models.base import Base, Inbox, Outbox
from services.content.models.counters import Counter
from services.content.models.dictionaries import PlatformCheckTerm, SiteCheckTerm, TopicCategory
from services.content.models.documents import (
    CONTENT_FIELDS,
    Attachment,
    Document,
    DocumentLink,
    DocumentRevision,
    LiveFile,
    Placement,
    ReviewAction,
    document_content,
)
from services.content.models.sites import (
    BasicChannel,
    Channel,
    ChannelSubscription,
    Site,
    SiteChange,
    SiteDomain,
    Workflow,
)

__all__ = [
    "CONTENT_FIELDS",
    "Attachment",
    "AuditEntry",
    "Base",
    "BasicChannel",
    "Channel",
    "ChannelSubscription",
    "Counter",
    "Document",
    "DocumentLink",
    "DocumentRevision",
    "Inbox",
    "LiveFile",
    "Outbox",
    "Placement",
    "PlatformCheckTerm",
    "ReviewAction",
    "Site",
    "SiteChange",
    "SiteCheckTerm",
    "SiteDomain",
    "TopicCategory",
    "Workflow",
    "document_content",
]
