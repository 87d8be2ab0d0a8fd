"""What every console use case works with: its database, the platform's APIs, the provider's keys, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from services.console.config import ConsoleSettings
from services.console.service.id_tokens import ProviderTokens
from services.console.service.platform_api import PlatformApi
from shared.auth import TokenVerifier
from shared.db.engine import Database
from shared.db.uow import UnitOfWork
from shared.tenancy import PLATFORM

IDENTITY = "/api/v1/identity"


class ConsoleUnitOfWork(UnitOfWork):
    """Sessions and saved views are people's, not a site's: the platform scope."""

    def __init__(self, database: Database) -> None:
        super().__init__(database, scope=PLATFORM)


@dataclass
class ConsoleDeps:
    database: Database
    settings: ConsoleSettings
    api: PlatformApi
    provider: ProviderTokens
    access: TokenVerifier  # reads the grants of a person's access token, to draw only the menus they may use
    rich_text: bool = False  # the editor's pinned assets are in place (services.console.vendor)
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def uow(self) -> ConsoleUnitOfWork:
        return ConsoleUnitOfWork(self.database)

    @property
    def client_auth(self) -> tuple[str, str]:
        return self.settings.client_id, self.settings.client_secret.get_secret_value()
