"""Idempotent consumers: each event's effect and its inbox row commit in one transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, bindparam, select

from shared.bus import Message
from shared.db.uow import UnitOfWork
from shared.events.envelope import EnvelopeHead, event_of, read_message
from shared.logs import correlation_id_var, get_logger
from shared.messaging.tables import InboxBase
from shared.metrics import EVENTS_DUPLICATE, EVENTS_HANDLED

log = get_logger("shared.consumer")

U = TypeVar("U", bound=UnitOfWork)
# A handler is given the consumer's own kind of unit of work and the decoded event; it returns False when the
# event asked nothing of it (no effect, so nothing to record). Handlers name the event class they take.
EventHandler = Callable[[U, Any], Awaitable[bool | None]]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event of a batch handler's run, with the correlation id that the effects of it alone carry."""

    event: Any
    correlation_id: str

    @contextmanager
    def correlated(self) -> Iterator[None]:
        """What is emitted (or logged) inside carries this event's correlation id, as a single handler's does."""
        token = correlation_id_var.set(self.correlation_id)
        try:
            yield
        finally:
            correlation_id_var.reset(token)


# A batch handler is given a run of consecutive events of its type at once, so that it can read and write for
# all of them together; it answers for each, in order, what a handler would (False: nothing to record).
BatchHandler = Callable[[U, Sequence[Delivery]], Awaitable[Sequence[bool | None]]]


@dataclass
class InboxConsumer(Generic[U]):
    """Decodes a message, skips it if already handled, else runs the handler and records it, atomically.

    With `batch_size` > 1 the bus may hand it several messages at once (`handle_batch`): their effects and inbox
    rows commit in one transaction, which is what lets a read model keep up with a bulk of events. Only for
    handlers that read what an earlier one wrote through the session (its autoflush), never through `record`.
    A type in `batch_handlers` is handed over as runs of consecutive events (one event when delivered alone).
    """

    name: str
    uow_factory: Callable[[], U]
    inbox: type[InboxBase]
    handlers: Mapping[str, EventHandler[U]]
    batch_size: int = 1
    batch_handlers: Mapping[str, BatchHandler[U]] = field(default_factory=dict)
    _seen: Select = field(init=False, repr=False)
    _seen_any: Select = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if both := set(self.handlers) & set(self.batch_handlers):
            raise ValueError(f"{self.name}: {sorted(both)} has both a handler and a batch handler")
        # Built once: every message asks it (see UnitOfWork.execute for why Core).
        self._seen = select(self.inbox.event_id).where(
            self.inbox.consumer == self.name, self.inbox.event_id == bindparam("event_id")
        )
        self._seen_any = select(self.inbox.event_id).where(
            self.inbox.consumer == self.name, self.inbox.event_id.in_(bindparam("event_ids", expanding=True))
        )

    def _decoded(self, message: Message) -> tuple[EnvelopeHead, EventHandler[U], Any] | None:
        envelope = read_message(message.value)
        handler = self.handlers.get(envelope.type) or self.batch_handlers.get(envelope.type)
        event = event_of(envelope) if handler is not None else None
        return None if event is None else (envelope, handler, event)

    async def __call__(self, message: Message) -> None:
        decoded = self._decoded(message)
        if decoded is None:
            return
        envelope, handler, event = decoded
        token = correlation_id_var.set(envelope.correlationid or envelope.id)
        try:
            async with self.uow_factory() as uow:
                if (await uow.execute(self._seen, {"event_id": envelope.id})).first() is not None:
                    EVENTS_DUPLICATE.labels(self.name).inc()
                    return
                if envelope.type in self.batch_handlers:
                    [done] = await handler(uow, [_delivery(envelope, event)])
                else:
                    done = await handler(uow, event)
                if done is False:
                    return  # the handler changed nothing: there is nothing to remember or commit
                uow.record(self.inbox, consumer=self.name, event_id=envelope.id, event_type=envelope.type)
                await uow.commit()
            EVENTS_HANDLED.labels(self.name, envelope.type).inc()
        finally:
            correlation_id_var.reset(token)

    async def handle_batch(self, messages: Sequence[Message]) -> None:
        """The messages in order, in one transaction: all their effects commit, or none (the bus then hands
        them over one by one, so one bad message is retried and dead-lettered alone)."""
        decoded = [found for message in messages if (found := self._decoded(message)) is not None]
        if not decoded:
            return
        handled: list[str] = []
        async with self.uow_factory() as uow:
            ids = [envelope.id for envelope, _, _ in decoded]
            seen = set((await uow.execute(self._seen_any, {"event_ids": ids})).scalars())
            fresh = []
            for envelope, handler, event in decoded:
                if envelope.id in seen:
                    EVENTS_DUPLICATE.labels(self.name).inc()
                    continue
                seen.add(envelope.id)
                fresh.append((envelope, handler, event))
            for run in self._runs(fresh):
                for envelope in await self._handle_run(uow, run):
                    uow.record(self.inbox, consumer=self.name, event_id=envelope.id, event_type=envelope.type)
                    handled.append(envelope.type)
            await uow.commit()
        for event_type in handled:
            EVENTS_HANDLED.labels(self.name, event_type).inc()

    def _runs(self, decoded: list[tuple[EnvelopeHead, Any, Any]]) -> Iterator[list[tuple[EnvelopeHead, Any, Any]]]:
        """Consecutive events of one batch handler's type together; every other event alone, in order."""
        run: list[tuple[EnvelopeHead, Any, Any]] = []
        for item in decoded:
            if run and (item[0].type != run[0][0].type or item[0].type not in self.batch_handlers):
                yield run
                run = []
            run.append(item)
        if run:
            yield run

    async def _handle_run(self, uow: U, run: list[tuple[EnvelopeHead, Any, Any]]) -> list[EnvelopeHead]:
        """The envelopes of the run whose handler did something (they are recorded as handled)."""
        first, handler, _ = run[0]
        if first.type in self.batch_handlers:
            answers = await handler(uow, [_delivery(envelope, event) for envelope, _, event in run])
            return [envelope for (envelope, _, _), done in zip(run, answers, strict=True) if done is not False]
        [(envelope, handler, event)] = run
        token = correlation_id_var.set(envelope.correlationid or envelope.id)
        try:
            return [] if await handler(uow, event) is False else [envelope]
        finally:
            correlation_id_var.reset(token)


def _delivery(envelope: EnvelopeHead, event: Any) -> Delivery:
    return Delivery(event, envelope.correlationid or envelope.id)
