"""What every interaction use case works with: the unit of work, the caller's standing, the calendar, the clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Self

from services.interaction.captcha import Captchas
from services.interaction.config import InteractionSettings
from services.interaction.models import Outbox
from services.interaction.repository import InteractionRepository
from services.interaction.workdays import WorkCalendar
from shared.auth import Principal
from shared.blobs import BlobStore
from shared.db.engine import Database
from shared.errors import Forbidden
from shared.messaging.outbox import OutboxUnitOfWork
from shared.tenancy import PLATFORM, TenantScope, site_scope

SOURCE = "/services/interaction"
BEIJING = timezone(timedelta(hours=8))  # deadlines count Beijing's calendar days
OFFICE_ROLES = ("letter_handler", "site_admin", "platform_operator")
UNIT_ROLE = "letter_handler:"  # letter_handler:<unit code>: one department's handler on one site


class InteractionUnitOfWork(OutboxUnitOfWork):
    repo: InteractionRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.repo = InteractionRepository(self.session, self.execute)
        return self


@dataclass(frozen=True, slots=True)
class Desk:
    """Where a signed-in person stands on one site's letters: the whole office, or some departments."""

    site_id: str
    principal: Principal
    office: bool
    units: frozenset[str]

    @classmethod
    def of(cls, principal: Principal, site_id: str) -> Desk:
        units = frozenset(
            g.role.removeprefix(UNIT_ROLE)
            for g in principal.grants
            if g.role.startswith(UNIT_ROLE) and g.site == site_id
        )
        desk = cls(site_id, principal, principal.has_role(site_id, OFFICE_ROLES), units)
        if not desk.office and not desk.units:
            raise Forbidden(f"没有站点 {site_id} 的信件办理权限", code="needs_role")
        return desk

    @property
    def actor(self) -> str:
        return self.principal.subject

    @property
    def name(self) -> str | None:
        return self.principal.name


@dataclass(slots=True)
class InteractionDeps:
    """Everything the use cases need, built once by create_app()."""

    database: Database
    blobs: BlobStore
    settings: InteractionSettings
    wake_relay: Callable[[], None] | None = None
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    wake_mailer: asyncio.Event = field(default_factory=asyncio.Event)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    captchas: Captchas = field(init=False)

    def __post_init__(self) -> None:
        self.captchas = Captchas(self.settings.secret.get_secret_value().encode())

    def uow(self, scope: TenantScope) -> InteractionUnitOfWork:
        return InteractionUnitOfWork(self.database, scope=scope, source=SOURCE, outbox=Outbox, wake=self.wake_relay)

    def site_uow(self, site_id: str) -> InteractionUnitOfWork:
        return self.uow(site_scope(site_id))

    def platform_uow(self) -> InteractionUnitOfWork:
        """Events from other services, the deadline watch, the mailer and the holiday table span sites."""
        return self.uow(PLATFORM)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone(BEIJING).date()
