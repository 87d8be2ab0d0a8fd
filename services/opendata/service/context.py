"""What every open-data use case works with: the unit of work, the datastore, who is asking, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Self

from services.opendata.config import OpendataSettings
from services.opendata.datastore import Datastore
from services.opendata.models import Outbox
from services.opendata.repository import OpendataRepository
from services.opendata.service.usage import UsageCounter
from shared.auth import Principal
from shared.auth.apikeys import ApiKeyInfo, ApiKeyVerifier
from shared.blobs import BlobStore
from shared.db.engine import Database
from shared.errors import Forbidden
from shared.messaging.outbox import OutboxUnitOfWork
from shared.tenancy import PLATFORM, TenantScope, site_scope

SOURCE = "/services/opendata"
BEIJING = timezone(timedelta(hours=8))  # call counts are per Beijing day
PUBLISHER_ROLES = ("data_publisher", "site_admin", "platform_operator")


class OpendataUnitOfWork(OutboxUnitOfWork):
    repo: OpendataRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.repo = OpendataRepository(self.session, self.execute)
        return self


@dataclass(frozen=True, slots=True)
class Publisher:
    """A department's data publisher on one site (数据发布员), its site admin, or a platform operator."""

    site_id: str
    principal: Principal

    @classmethod
    def of(cls, principal: Principal, site_id: str) -> Publisher:
        if not principal.has_role(site_id, PUBLISHER_ROLES):
            raise Forbidden(f"没有站点 {site_id} 的数据发布权限", code="needs_role")
        return cls(site_id, principal)

    @property
    def actor(self) -> str:
        return self.principal.subject


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads data: anyone; with an API key, its application (有条件开放 data once approved, counted per key);
    signed in, a person who may be the publisher of some sites' unpublished datasets."""

    key: ApiKeyInfo | None = None
    principal: Principal | None = None

    @property
    def key_id(self) -> str:
        return self.key.key_id if self.key else ""

    @property
    def owner_id(self) -> str:
        return self.key.owner_id if self.key else ""

    def publishes(self, site_id: str) -> bool:
        return self.principal is not None and self.principal.has_role(site_id, PUBLISHER_ROLES)


ANONYMOUS = Reader()


@dataclass(slots=True)
class OpendataDeps:
    """Everything the use cases need, built once by create_app()."""

    database: Database
    blobs: BlobStore
    datastore: Datastore
    settings: OpendataSettings
    wake_relay: Callable[[], None] | None = None
    key_verifier: ApiKeyVerifier | None = None
    usage: UsageCounter = field(default_factory=UsageCounter)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def uow(self, scope: TenantScope) -> OpendataUnitOfWork:
        return OpendataUnitOfWork(self.database, scope=scope, source=SOURCE, outbox=Outbox, wake=self.wake_relay)

    def site_uow(self, site_id: str) -> OpendataUnitOfWork:
        return self.uow(site_scope(site_id))

    def platform_uow(self) -> OpendataUnitOfWork:
        """The public catalogue spans every site's published datasets; events from other services too."""
        return self.uow(PLATFORM)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone(BEIJING).date()
