"""What every use case works with: the unit of work with its repository, the caller, the clock, the blobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self

from services.content.config import ContentSettings
from services.content.models import AuditEntry, Outbox
from services.content.repository import ContentCaches, ContentRepository
from shared.auth import Principal
from shared.blobs import BlobStore
from shared.db.engine import Database
from shared.logs import request_id_var
from shared.messaging.outbox import OutboxUnitOfWork
from shared.tenancy import PLATFORM, TenantScope, site_scope

SOURCE = "/services/content"
PLATFORM_AUDIT = "platform"  # the audit "site" of platform-wide actions; no site may take this id


class ContentUnitOfWork(OutboxUnitOfWork):
    repo: ContentRepository

    def __init__(
        self, database: Database, *, scope: TenantScope, caches: ContentCaches, wake: Callable[[], None] | None
    ) -> None:
        super().__init__(database, scope=scope, source=SOURCE, outbox=Outbox, wake=wake)
        self.caches = caches

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.repo = ContentRepository(self.session, self.caches, self.execute)
        # Rows a batch of events reads again and again (a migration's site and channel), read once per transaction;
        # a use case that changes one of them clears it.
        self.read_once: dict[tuple[str, object], Any] = {}
        return self


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller of a use case: a verified principal, or the system itself (scheduler, consumers)."""

    principal: Principal

    @property
    def id(self) -> str:
        return self.principal.subject

    @property
    def name(self) -> str | None:
        return self.principal.name


SYSTEM = Actor(Principal(subject="system:content", name="系统"))


@dataclass(slots=True)
class ContentDeps:
    """Everything the use cases need, built once by create_app()."""

    database: Database
    blobs: BlobStore
    settings: ContentSettings
    wake_relay: Callable[[], None] | None = None
    caches: ContentCaches = field(default_factory=ContentCaches)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def uow(self, scope: TenantScope) -> ContentUnitOfWork:
        return ContentUnitOfWork(self.database, scope=scope, caches=self.caches, wake=self.wake_relay)

    def site_uow(self, site_id: str) -> ContentUnitOfWork:
        return self.uow(site_scope(site_id))

    def platform_uow(self) -> ContentUnitOfWork:
        """For work that spans sites by nature: the directory, reposting, pushing, the scheduler."""
        return self.uow(PLATFORM)

    def now(self) -> datetime:
        return self.clock()


def audit(
    uow: ContentUnitOfWork, actor: Actor, site_id: str, action: str, entity: str, entity_id: object, **details: object
) -> None:
    """Append one audit entry in the same transaction as the change it records."""
    uow.record(
        AuditEntry,
        site_id=site_id,
        actor=actor.id,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        details={k: v for k, v in details.items() if v is not None},
        request_id=request_id_var.get(),
    )
