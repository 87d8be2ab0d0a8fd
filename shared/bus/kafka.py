"""Kafka bus on aiokafka: idempotent acks=all producer, manual-commit consumer groups, DLQ topics."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from aiokafka.structs import TopicPartition

from shared.bus.base import BusUnavailable, EventBus, Message, Subscription, dead_letter_topic
from shared.logs import get_logger

log = get_logger("shared.bus.kafka")


class KafkaBus(EventBus):
    def __init__(
        self,
        bootstrap: str,
        *,
        client_id: str,
        max_retries: int = 3,
        partitions: int = 3,
        request_timeout_ms: int = 10_000,
        namespace: str = "",
    ) -> None:
        super().__init__(max_retries=max_retries)
        self.namespace = f"{namespace}." if namespace else ""
        self.bootstrap = bootstrap
        self.client_id = client_id
        self.partitions = partitions
        self.request_timeout_ms = request_timeout_ms
        self._producer: AIOKafkaProducer | None = None
        self._consumers: list[asyncio.Task] = []
        self._positioned: dict[str, asyncio.Event] = {}
        self._producer_lock = asyncio.Lock()

    def _physical(self, topic: str) -> str:
        """Topics and groups live under the namespace, so environments can share one cluster."""
        return self.namespace + topic

    def _logical(self, topic: str) -> str:
        return topic.removeprefix(self.namespace)

    async def start(self) -> None:
        """Start consumers; the producer starts lazily so a broker outage at boot is survivable."""
        topics = sorted({t for sub in self.subscriptions for t in sub.topics} | self.declared_topics)
        if topics:
            try:
                await self.ensure_topics(topics)
            except (KafkaError, OSError) as exc:  # the consumers will find the topics once the broker is back
                log.warning("could not ensure topics", topics=topics, error=repr(exc))
        for sub in self.subscriptions:
            self._positioned[sub.group] = asyncio.Event()
            self._consumers.append(asyncio.create_task(self._consume(sub), name=f"kafka:{sub.group}"))

    async def stop(self) -> None:
        for task in self._consumers:
            task.cancel()
        await asyncio.gather(*self._consumers, return_exceptions=True)
        self._consumers.clear()
        await self._reset_producer()

    async def ping(self) -> bool:
        try:
            producer = await self._get_producer()
            return bool(await asyncio.wait_for(producer.client.force_metadata_update(), 2))
        except Exception:  # readiness only reports
            return False

    async def ensure_topics(self, topics: Sequence[str]) -> None:
        """Create topics (and their DLQs) with the configured partitions; existing ones are left alone."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, client_id=self.client_id)
        await admin.start()
        try:
            wanted = {self._physical(t) for topic in topics for t in (topic, dead_letter_topic(topic))}
            existing = set(await admin.list_topics())
            new = [NewTopic(t, self.partitions, 1) for t in sorted(wanted - existing)]
            if new:
                with contextlib.suppress(TopicAlreadyExistsError):
                    await admin.create_topics(new)
                await _wait_for_leaders(admin, [n.name for n in new])
        finally:
            await admin.close()

    async def drop_namespace(self) -> None:
        """Delete the topics of this bus's namespace (a test's or a bench run's) when it is done; the broker
        drops the offsets its consumer groups committed on them, and with them the emptied groups."""
        if not self.namespace:
            raise ValueError("only a namespaced bus drops its topics: without one they are the platform's")
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, client_id=self.client_id)
        await admin.start()
        try:
            topics = [t for t in await admin.list_topics() if t.startswith(self.namespace)]
            if topics:
                await admin.delete_topics(topics)
        finally:
            await admin.close()

    async def publish_batch(self, messages: Sequence[Message]) -> None:
        """Bounded in time: an idempotent producer never expires batches by itself during an outage."""
        try:
            async with asyncio.timeout(self.request_timeout_ms / 1000):
                await self._send_all(messages)
        except (TimeoutError, KafkaError, OSError) as exc:
            await self._reset_producer()
            raise BusUnavailable(f"kafka at {self.bootstrap}: {exc!r}") from exc

    async def _send_all(self, messages: Sequence[Message]) -> None:
        producer = await self._get_producer()
        futures = [
            await producer.send(self._physical(m.topic), m.value, key=m.key.encode(), headers=list(m.headers))
            for m in messages
        ]
        await asyncio.gather(*futures)

    async def _get_producer(self) -> AIOKafkaProducer:
        async with self._producer_lock:
            if self._producer is None:
                producer = AIOKafkaProducer(
                    bootstrap_servers=self.bootstrap,
                    client_id=self.client_id,
                    acks="all",
                    enable_idempotence=True,
                    linger_ms=2,
                    max_batch_size=256 * 1024,
                    request_timeout_ms=self.request_timeout_ms,
                    compression_type=None,
                )
                try:
                    await producer.start()
                except BaseException:
                    await producer.stop()
                    raise
                self._producer = producer
            return self._producer

    async def _reset_producer(self) -> None:
        async with self._producer_lock:
            if self._producer is not None:
                producer, self._producer = self._producer, None
                # stop() would wait to flush batches the broker will not take: bound it, then let go.
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(producer.stop(), 2)

    async def _consume(self, sub: Subscription) -> None:
        """Keep a consumer running for the group; reconnect after broker outages."""
        while True:
            consumer = AIOKafkaConsumer(
                *(self._physical(t) for t in sub.topics),
                bootstrap_servers=self.bootstrap,
                group_id=self._physical(sub.group),
                client_id=self.client_id,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                isolation_level="read_committed",
            )
            try:
                await consumer.start()
                await self._position(consumer, sub)
                await self._poll(consumer, sub)
            except asyncio.CancelledError:
                await consumer.stop()
                raise
            except Exception as exc:  # restart the consumer after any broker trouble
                log.warning("consumer restarting", group=sub.group, error=repr(exc))
                await consumer.stop()
                await asyncio.sleep(1)

    async def _position(self, consumer: AIOKafkaConsumer, sub: Subscription) -> None:
        """Wait for the group's partitions and resolve where each starts (its committed offset, or the
        earliest), so wait_ready() can tell a caller that nothing published from now on is missed."""
        with contextlib.suppress(TimeoutError):  # no assignment in time: poll anyway, readiness stays unknown
            async with asyncio.timeout(30):
                # the coordinator joins the group in the background; aiokafka signals no event for it
                while not consumer.assignment():  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
                for tp in consumer.assignment():
                    await consumer.position(tp)
                self._positioned[sub.group].set()

    async def wait_ready(self, timeout: float = 30.0) -> None:
        async with asyncio.timeout(timeout):
            for event in self._positioned.values():
                await event.wait()

    async def _poll(self, consumer: AIOKafkaConsumer, sub: Subscription) -> None:
        while True:
            batches = await consumer.getmany(timeout_ms=500, max_records=500)
            for tp, records in batches.items():
                messages = [
                    Message(
                        self._logical(record.topic),
                        (record.key or b"").decode(),
                        record.value or b"",
                        tuple(record.headers or ()),
                    )
                    for record in records
                ]
                await self.deliver_all(sub, messages)
                await consumer.commit({TopicPartition(tp.topic, tp.partition): records[-1].offset + 1})


async def _wait_for_leaders(admin: AIOKafkaAdminClient, topics: list[str], timeout: float = 15.0) -> None:
    """New partitions have no leader for a moment: wait until the metadata names one for each. (A broker may
    still refuse the first offset request of a partition it is about to lead; aiokafka logs "Failed fetch
    offsets … NotLeaderForPartition" and retries it, nothing is skipped.)"""
    async with asyncio.timeout(timeout):
        while True:
            described = await admin.describe_topics(topics)
            if all(_has_leaders(d) for d in described):
                return
            await asyncio.sleep(0.1)


def _has_leaders(described: dict) -> bool:
    partitions = described.get("partitions") or []
    ok = described.get("error_code", 0) == 0 and partitions
    return bool(ok) and all(p.get("error_code", 0) == 0 and p.get("leader", -1) >= 0 for p in partitions)
