"""Idempotent consumers: each event's effect and its inbox row commit in one transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, bindparam, select

from shared.bus import Message
from shared.db.uow import UnitOfWork
from shared.events.envelope import decode_event, parse_envelope
from shared.logs import correlation_id_var, get_logger
from shared.messaging.tables import InboxBase
from shared.metrics import EVENTS_DUPLICATE, EVENTS_HANDLED

log = get_logger("shared.consumer")

U = TypeVar("U", bound=UnitOfWork)
# A handler is given the consumer's own kind of unit of work and the decoded event; it returns False when the
# event asked nothing of it (no effect, so nothing to record). Handlers name the event class they take.
EventHandler = Callable[[U, Any], Awaitable[bool | None]]


@dataclass
class InboxConsumer(Generic[U]):
    """Decodes a message, skips it if already handled, else runs the handler and records it, atomically."""

    name: str
    uow_factory: Callable[[], U]
    inbox: type[InboxBase]
    handlers: Mapping[str, EventHandler[U]]
    _seen: Select = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Built once: every message asks it (see UnitOfWork.execute for why Core).
        self._seen = select(self.inbox.event_id).where(
            self.inbox.consumer == self.name, self.inbox.event_id == bindparam("event_id")
        )

    async def __call__(self, message: Message) -> None:
        envelope = parse_envelope(message.value)
        handler = self.handlers.get(envelope.type)
        if handler is None:
            return
        event = decode_event(envelope)
        if event is None:
            return
        token = correlation_id_var.set(envelope.correlationid or envelope.id)
        try:
            async with self.uow_factory() as uow:
                if (await uow.execute(self._seen, {"event_id": envelope.id})).first() is not None:
                    EVENTS_DUPLICATE.labels(self.name).inc()
                    return
                if await handler(uow, event) is False:
                    return  # the handler changed nothing: there is nothing to remember or commit
                uow.record(self.inbox, consumer=self.name, event_id=envelope.id, event_type=envelope.type)
                await uow.commit()
            EVENTS_HANDLED.labels(self.name, envelope.type).inc()
        finally:
            correlation_id_var.reset(token)
