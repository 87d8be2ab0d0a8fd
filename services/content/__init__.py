"""内容库 — the content library service: sites, channels, documents, review and publishing.

This module is the service's face: what the composer (sitegroup), the benchmarks and other services' tests
may use. Nothing else of the service is imported from outside it (the import contracts in pyproject.toml).
"""

from services.content.config import ContentSettings
from services.content.main import SCHEMA, ContentRuntime, create_app, migrate
from services.content.models import Outbox
from services.content.schemas.channels import SubscriptionCreate
from services.content.schemas.documents import (
    DocumentCreate,
    InterpretsUpdate,
    PushRequest,
    PushTarget,
    ReviewDecision,
)
from services.content.schemas.sites import SiteCreate
from services.content.service.attachments import upload_attachment
from services.content.service.channels import list_channels
from services.content.service.context import Actor, ContentDeps
from services.content.service.documents import create_document
from services.content.service.placements import push, set_interprets
from services.content.service.replay import replay
from services.content.service.sites import create_site, has_sites
from services.content.service.subscriptions import add_subscription
from services.content.service.workflow import approve_document

__all__ = [
    "SCHEMA",
    "Actor",
    "ContentDeps",
    "ContentRuntime",
    "ContentSettings",
    "DocumentCreate",
    "InterpretsUpdate",
    "Outbox",
    "PushRequest",
    "PushTarget",
    "ReviewDecision",
    "SiteCreate",
    "SubscriptionCreate",
    "add_subscription",
    "approve_document",
    "create_app",
    "create_document",
    "create_site",
    "has_sites",
    "list_channels",
    "migrate",
    "push",
    "replay",
    "set_interprets",
    "upload_attachment",
]
