"""What every identity use case works with: the unit of work, the keys, the password hasher, the clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Self

from services.identity.config import IdentitySettings
from services.identity.models import AuditRecord, Client, Outbox
from services.identity.repository import IdentityRepository
from services.identity.service.keys import KeyRing
from services.identity.service.secrets import Passwords
from services.identity.service.throttle import LoginThrottle
from shared.auth.revocations import Revocations
from shared.db.engine import Database
from shared.messaging.outbox import OutboxUnitOfWork
from shared.tenancy import PLATFORM


class IdentityUnitOfWork(OutboxUnitOfWork):
    """The provider's data and its outbox (revocations leave through it)."""

    repo: IdentityRepository

    def __init__(self, database: Database, *, wake: Callable[[], None] | None = None) -> None:
        # Identity data is the platform's (an account spans sites); grants name their sites as values.
        super().__init__(database, scope=PLATFORM, source="/identity", outbox=Outbox, wake=wake)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.repo = IdentityRepository(self.session, self.execute)
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


class ClientCache:
    """Registered clients, read at most every `ttl` seconds: every token request authenticates one, and
    they change rarely (a disabled client is refused within `ttl`)."""

    def __init__(self, ttl: float = 30.0) -> None:
        self.ttl = ttl
        self._seen: dict[str, tuple[float, Client | None]] = {}

    async def get(self, uow: IdentityUnitOfWork, client_id: str) -> Client | None:
        now = time.monotonic()
        cached = self._seen.get(client_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        client = await uow.repo.client(client_id)
        if client is not None:
            uow.session.expunge(client)  # read-only from here on, outside any session
        if len(self._seen) > 10_000:
            self._seen.clear()
        self._seen[client_id] = (now + self.ttl, client)
        return client

    def forget(self, client_id: str) -> None:
        """A client this process changed is read afresh at its next use."""
        self._seen.pop(client_id, None)


@dataclass(slots=True)
class IdentityDeps:
    """Everything the use cases need, built once by create_app()."""

    database: Database
    settings: IdentitySettings
    passwords: Passwords
    wake_relay: Callable[[], None] | None = None
    revocations: Revocations = field(default_factory=Revocations)  # what this process has heard revoked
    keys: KeyRing = field(default_factory=KeyRing)
    clients: ClientCache = field(default_factory=ClientCache)
    throttle: LoginThrottle = field(init=False)

    def __post_init__(self) -> None:
        self.keys.jwks_file = self.settings.jwks_file
        s = self.settings
        self.throttle = LoginThrottle(s.failed_logins_per_address, s.failed_login_window_seconds)

    def uow(self) -> IdentityUnitOfWork:
        return IdentityUnitOfWork(self.database, wake=self.wake_relay)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def keep_retired_keys(self) -> timedelta:
        """Keys retired within two token lifetimes stay published: tokens they signed still verify."""
        s = self.settings
        return timedelta(seconds=2 * max(s.access_token_seconds, s.id_token_seconds))

    def after(self, seconds: int) -> datetime:
        return self.now() + timedelta(seconds=seconds)
