"""What every identity use case works with: the unit of work, the keys, the password hasher, the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Self

from sqlalchemy.ext.asyncio import async_sessionmaker

from services.identity.config import IdentitySettings
from services.identity.models import AuditRecord, Outbox
from services.identity.repository import IdentityRepository
from services.identity.service.keys import KeyRing
from services.identity.service.secrets import Passwords
from services.identity.service.throttle import LoginThrottle
from shared.db.uow import UnitOfWork
from shared.tenancy import PLATFORM

SOURCE = "/services/identity"


class IdentityUnitOfWork(UnitOfWork):
    repo: IdentityRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.repo = IdentityRepository(self.session)
        return self

    def audit(
        self,
        actor: str,
        action: str,
        *,
        target: str | None = None,
        site_id: str | None = None,
        ip: str | None = None,
        detail: str | None = None,
    ) -> None:
        """Every privileged action, written in the same transaction as the action itself."""
        self.record(
            AuditRecord,
            at=datetime.now(UTC),
            actor=actor,
            action=action,
            target=target,
            site_id=site_id,
            ip=ip,
            detail=detail,
        )


@dataclass(slots=True)
class IdentityDeps:
    """Everything the use cases need, built once by create_app()."""

    session_factory: async_sessionmaker
    settings: IdentitySettings
    passwords: Passwords
    keys: KeyRing = field(default_factory=KeyRing)
    throttle: LoginThrottle = field(init=False)

    def __post_init__(self) -> None:
        self.keys.jwks_file = self.settings.jwks_file
        s = self.settings
        self.throttle = LoginThrottle(s.failed_logins_per_address, s.failed_login_window_seconds)

    def uow(self) -> IdentityUnitOfWork:
        # Identity data is the platform's (an account spans sites); grants name their sites as values.
        return IdentityUnitOfWork(self.session_factory, source=SOURCE, scope=PLATFORM, outbox=Outbox)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def keep_retired_keys(self) -> timedelta:
        """Keys retired within two token lifetimes stay published: tokens they signed still verify."""
        s = self.settings
        return timedelta(seconds=2 * max(s.access_token_seconds, s.id_token_seconds))

    def after(self, seconds: int) -> datetime:
        return self.now() + timedelta(seconds=seconds)
