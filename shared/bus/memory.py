"""In-process bus for the consolidated mode.

A publish is acknowledged only after every subscribed group has handled the message (or
dead-lettered it). The outbox row therefore stays pending until the effect has happened, so a
crash of the one process loses nothing without needing a durable log of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from shared.bus.base import BusUnavailable, EventBus, Handler, Message, Subscription

_STOP = object()
MAX_RUN = 500  # messages a group takes off its queue at once (a handler with batch_size takes them together)


class MemoryBus(EventBus):
    def __init__(self, *, max_retries: int = 3, retry_backoff: float = 0.05) -> None:
        super().__init__(max_retries=max_retries, retry_backoff=retry_backoff)
        self._queues: dict[str, asyncio.Queue] = {}
        self._workers: list[asyncio.Task] = []
        self._running = False
        self.dead_letters: list[Message] = []  # nothing else keeps them in this mode: operators read them here

    def subscribe(self, group: str, topics: Sequence[str], handler: Handler) -> None:
        if self._running:
            raise RuntimeError(f"subscribe {group!r} before the in-process bus starts")
        super().subscribe(group, topics, handler)

    async def start(self) -> None:
        if self._running:
            return
        self._running = True
        for sub in self.subscriptions:
            queue: asyncio.Queue = asyncio.Queue()
            self._queues[sub.group] = queue
            self._workers.append(asyncio.create_task(self._work(sub, queue), name=f"bus:{sub.group}"))

    async def stop(self) -> None:
        self._running = False
        for queue in self._queues.values():
            queue.put_nowait(_STOP)
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers.clear()
        self._queues.clear()

    async def ping(self) -> bool:
        return self._running

    async def publish_batch(self, messages: Sequence[Message]) -> None:
        if not self._running:
            raise BusUnavailable("the in-process bus is not running")
        pending: list[asyncio.Future] = []
        loop = asyncio.get_running_loop()
        for message in messages:
            if message.topic.endswith(".dlq"):
                self.dead_letters.append(message)
            for sub in self.subscriptions:
                if message.topic in sub.topics:
                    done = loop.create_future()
                    self._queues[sub.group].put_nowait((message, done))
                    pending.append(done)
        if pending:
            await asyncio.gather(*pending)

    async def _work(self, sub: Subscription, queue: asyncio.Queue) -> None:
        stopping = False
        while not stopping and (item := await queue.get()) is not _STOP:
            items = [item]
            while len(items) < MAX_RUN and not queue.empty():  # what has piled up goes over together
                more = queue.get_nowait()
                if more is _STOP:
                    stopping = True
                    break
                items.append(more)
            try:
                await self.deliver_all(sub, [message for message, _ in items])
            except Exception as exc:  # even the dead-letter publish failed: the publishers retry
                for _, done in items:
                    if not done.done():
                        done.set_exception(BusUnavailable(repr(exc)))
                continue
            for _, done in items:
                if not done.done():
                    done.set_result(None)
