"""The writing side of the transactional outbox: a unit of work whose events commit with the change."""

from __future__ import annotations

from collections.abc import Callable

from shared.db.engine import Database
from shared.db.uow import UnitOfWork
from shared.events.envelope import Event, event_bytes
from shared.logs import correlation_id_var
from shared.messaging.tables import OutboxBase
from shared.tenancy import TenantScope


class OutboxUnitOfWork(UnitOfWork):
    """`uow.emit(event)` writes the event into the service's outbox table in this transaction; once it commits,
    `wake` tells the relay, so the event leaves without waiting for the relay's next poll."""

    def __init__(
        self,
        database: Database,
        *,
        scope: TenantScope,
        source: str,
        outbox: type[OutboxBase],
        wake: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(database, scope=scope)
        self.source = source
        self._outbox = outbox
        self._wake = wake

    def emit(self, event: Event) -> None:
        event_id, payload = event_bytes(event, source=self.source, correlation_id=correlation_id_var.get())
        self.record(
            self._outbox,
            event_id=event_id,
            topic=event.topic,
            key=event.aggregate_id,
            site_id=event.site_id,
            type=event.type,
            payload=payload,
        )
        if self._wake is not None:
            self.after_commit(self._wake)
