"""The bus contract both implementations keep: keyed ordered topics, consumer groups, at-least-once, DLQ."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from shared.logs import get_logger
from shared.metrics import EVENTS_DEAD_LETTERED

log = get_logger("shared.bus")


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    key: str
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = field(default=())


Handler = Callable[[Message], Awaitable[None]]


class BusUnavailable(Exception):
    """The broker did not accept the messages; the caller keeps them and retries later."""


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


@dataclass(slots=True)
class Subscription:
    group: str
    topics: tuple[str, ...]
    handler: Handler


class EventBus(ABC):
    """Publish batches (acknowledged once durable), and run handlers per consumer group."""

    def __init__(self, *, max_retries: int = 3, retry_backoff: float = 0.05) -> None:
        self.max_retries = max_retries
        self.retry_backoff = retry_backoff
        self.subscriptions: list[Subscription] = []
        self.declared_topics: set[str] = set()

    def subscribe(self, group: str, topics: Sequence[str], handler: Handler) -> None:
        """Register before start(); each group sees every message of its topics, in key order."""
        self.subscriptions.append(Subscription(group, tuple(topics), handler))

    def declare(self, topics: Sequence[str]) -> None:
        """Topics this process publishes to; a broker creates them at start instead of on first use."""
        self.declared_topics.update(topics)

    @abstractmethod
    async def start(self) -> None: ...

    @abstractmethod
    async def stop(self) -> None: ...

    async def wait_ready(self, timeout: float = 30.0) -> None:  # noqa: B027 - in-process: always positioned
        """Return once every subscriber group is positioned to receive what is published from now on."""

    @abstractmethod
    async def publish_batch(self, messages: Sequence[Message]) -> None:
        """Return only when every message is accepted; raise BusUnavailable otherwise."""

    @abstractmethod
    async def ping(self) -> bool: ...

    async def deliver(self, sub: Subscription, message: Message) -> None:
        """Run the handler with retries; after the last failure, dead-letter the message and move on."""
        for attempt in range(self.max_retries + 1):
            try:
                await sub.handler(message)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any handler failure is retried, then dead-lettered
                log.warning(
                    "handler failed",
                    group=sub.group,
                    topic=message.topic,
                    key=message.key,
                    attempt=attempt + 1,
                    error=repr(exc),
                )
                if attempt < self.max_retries:
                    await asyncio.sleep(self.retry_backoff * (2**attempt))
                    continue
                await self.dead_letter(sub, message, exc)

    async def deliver_all(self, sub: Subscription, messages: Sequence[Message]) -> None:
        """Hand a run of messages over, in order: in batches where the handler takes them (its `batch_size`),
        else one by one. A batch that fails changed nothing; its messages are then delivered one by one."""
        size = getattr(sub.handler, "batch_size", 1)
        if size <= 1 or len(messages) == 1:
            for message in messages:
                await self.deliver(sub, message)
            return
        for start in range(0, len(messages), size):
            chunk = messages[start : start + size]
            try:
                await sub.handler.handle_batch(chunk)  # type: ignore[attr-defined]
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # nothing of the batch committed: find the failing message one at a time
                log.warning("batch failed, delivering one by one", group=sub.group, size=len(chunk), error=repr(exc))
            for message in chunk:
                await self.deliver(sub, message)

    async def dead_letter(self, sub: Subscription, message: Message, exc: Exception) -> None:
        EVENTS_DEAD_LETTERED.labels(sub.group, message.topic).inc()
        log.error("event dead-lettered", group=sub.group, topic=message.topic, key=message.key, error=repr(exc))
        headers = (*message.headers, ("dlq-group", sub.group.encode()), ("dlq-error", repr(exc)[:500].encode()))
        await self.publish_batch([Message(dead_letter_topic(message.topic), message.key, message.value, headers)])
