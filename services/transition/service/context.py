"""What every migration use case works with: the unit of work, who may run a migration, the clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Self, TypeVar

from services.transition.config import TransitionSettings
from services.transition.models import JobLog, Outbox
from services.transition.repository import TransitionRepository
from services.transition.service.progress import ProgressCounts
from shared.auth import Principal
from shared.blobs import BlobStore
from shared.db.engine import Database
from shared.errors import Forbidden
from shared.events.transition import Redirect, UrlMapChanged
from shared.messaging.outbox import OutboxUnitOfWork
from shared.tenancy import PLATFORM, TenantScope, site_scope

SOURCE = "/services/transition"
MIGRATOR_ROLES = ("site_admin", "platform_operator")
SYSTEM_NAMES = {"system:migration": "迁移服务"}
REDIRECTS_PER_EVENT = 500
Step = TypeVar("Step", bound=Callable[[], Awaitable[None]])


class TransitionUnitOfWork(OutboxUnitOfWork):
    repo: TransitionRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.repo = TransitionRepository(self.session, self.execute)
        self._redirects: dict[tuple[str, int], tuple[int, list[Redirect]]] = {}
        self._steps: dict[object, Callable[[], Awaitable[None]]] = {}
        return self

    def before_commit(self, key: object, step: Step) -> Step:
        """A step run once before this transaction commits, however many of its events asked for it: the step
        registered first under the key is the one kept, and given back."""
        return self._steps.setdefault(key, step)

    def redirect(self, site_id: str, job_id: int, version: int, redirects: list[Redirect]) -> None:
        """Decisions for the renderer, sent at commit as one event per site and job (in chunks): a batch of the
        content library's answers maps hundreds of URLs, and one event carries them all."""
        if redirects:
            known, pending = self._redirects.get((site_id, job_id), (version, []))
            self._redirects[(site_id, job_id)] = (max(known, version, 1), [*pending, *redirects])

    async def commit(self) -> None:
        steps, self._steps = list(self._steps.values()), {}
        for step in steps:
            await step()
        for (site_id, job_id), (version, redirects) in self._redirects.items():
            for start in range(0, len(redirects), REDIRECTS_PER_EVENT):
                chunk = redirects[start : start + REDIRECTS_PER_EVENT]
                self.emit(UrlMapChanged(site_id=site_id, aggregate_id=str(job_id), aggregate_version=version,
                                        redirects=chunk))  # fmt: skip
        self._redirects = {}
        await super().commit()

    async def rollback(self) -> None:
        self._redirects, self._steps = {}, {}
        await super().rollback()

    def audit(self, site_id: str, job_id: int, actor: str | Migrator, action: str, **detail: object) -> None:
        """Every step and decision of a job, in the transaction that took it: by a person, or by the service."""
        subject, name = (
            (actor.actor, actor.name) if isinstance(actor, Migrator) else (actor, SYSTEM_NAMES.get(actor, actor))
        )
        self.record(
            JobLog, site_id=site_id, job_id=job_id, actor=subject, actor_name=name[:80], action=action, detail=detail
        )


@dataclass(frozen=True, slots=True)
class Migrator:
    """A platform operator, or the target site's admin: the people who move a legacy site in."""

    site_id: str
    principal: Principal

    @classmethod
    def of(cls, principal: Principal, site_id: str) -> Migrator:
        if not principal.has_role(site_id, MIGRATOR_ROLES):
            raise Forbidden(f"没有站点 {site_id} 的网站迁移权限（需站点管理员或平台运维）", code="needs_role")
        return cls(site_id, principal)

    @property
    def actor(self) -> str:
        return self.principal.subject

    @property
    def name(self) -> str:
        return self.principal.name or self.principal.subject


@dataclass(slots=True)
class TransitionDeps:
    """Everything the use cases need, built once by create_app()."""

    database: Database
    blobs: BlobStore
    settings: TransitionSettings
    wake_relay: Callable[[], None] | None = None
    wake_runner: Callable[[], None] = lambda: None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    progress: ProgressCounts = field(default_factory=ProgressCounts)  # jobs' progress, as the console reads it

    def uow(self, scope: TenantScope) -> TransitionUnitOfWork:
        return TransitionUnitOfWork(self.database, scope=scope, source=SOURCE, outbox=Outbox, wake=self.wake_relay)

    def site_uow(self, site_id: str) -> TransitionUnitOfWork:
        return self.uow(site_scope(site_id))

    def platform_uow(self) -> TransitionUnitOfWork:
        """The runner's queue spans every site; events from content too."""
        return self.uow(PLATFORM)

    def now(self) -> datetime:
        return self.clock()
