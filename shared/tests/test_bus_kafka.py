"""The Kafka bus against the real broker (SG_TEST_BUS_URL): keys, headers, order, committed offsets, DLQ,
and a broker outage (SG_TEST_KAFKA_CTL stops and restarts it). Each test has a namespace of its own."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from shared.bus import BusUnavailable, EventBus, Message, create_bus
from shared.tests.conftest import BACKENDS, broker, needs_kafka, needs_kafka_ctl
from shared.tests.support import Collector, eventually

pytestmark = [needs_kafka, pytest.mark.real_backends]


@pytest.fixture
def namespace() -> str:
    return f"t{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def make_bus(namespace: str) -> AsyncIterator[Callable[..., EventBus]]:
    """Buses on the test's namespace; all stopped at the end."""
    made: list[EventBus] = []

    def make(max_retries: int = 1) -> EventBus:
        bus = create_bus(BACKENDS.bus_url_for(namespace), client_id="shared-tests", max_retries=max_retries)
        bus.retry_backoff = 0.01
        made.append(bus)
        return bus

    yield make
    for bus in made:
        await bus.stop()
    await BACKENDS.drop_namespace(namespace)


def msg(key: str, text: str, *headers: tuple[str, bytes], topic: str = "content.documents") -> Message:
    return Message(topic, key, text.encode(), tuple(headers))


async def test_round_trip_keeps_topic_key_value_and_headers(make_bus) -> None:
    consumer, producer = make_bus(), make_bus()
    got = Collector()
    consumer.subscribe("search", ["content.documents"], got)
    await consumer.start()
    headers = (("ce-type", b"content.document.published.v1"), ("trace", b"\x00\xff"))
    sent = [msg("doc-1", "合肥市人民政府关于印发通知", *headers), msg("站点-合肥", "中文键", topic="content.sites")]
    await producer.publish_batch(sent)
    [received] = await got.wait_for(1, timeout=30)
    assert received == sent[0]  # logical topic (namespace stripped), key, bytes and headers as sent
    assert await producer.ping()


async def test_messages_of_one_key_arrive_in_order(make_bus) -> None:
    consumer, producer = make_bus(), make_bus()
    got = Collector()
    consumer.subscribe("publisher", ["content.documents"], got)
    await consumer.start()
    sent = [msg(f"doc-{i % 5}", f"修订{i}") for i in range(60)]
    for start in range(0, 60, 15):
        await producer.publish_batch(sent[start : start + 15])
    received = await got.wait_for(60, timeout=30)
    for key in {m.key for m in sent}:
        assert [m.value for m in received if m.key == key] == [m.value for m in sent if m.key == key]


async def test_a_restarted_consumer_group_resumes_after_its_committed_offsets(make_bus, namespace: str) -> None:
    producer = make_bus()
    first = Collector()
    consumer = make_bus()
    consumer.subscribe("search", ["content.documents"], first)
    await consumer.start()
    await producer.publish_batch([msg(f"doc-{i}", f"旧{i}") for i in range(5)])
    await first.wait_for(5, timeout=30)

    admin = AIOKafkaAdminClient(bootstrap_servers=consumer.bootstrap)
    await admin.start()
    try:

        async def committed() -> bool:
            offsets = await admin.list_consumer_group_offsets(f"{namespace}.search")
            return sum(o.offset for o in offsets.values()) == 5

        await eventually(committed, timeout=10)
    finally:
        await admin.close()
    await consumer.stop()

    await producer.publish_batch([msg(f"doc-{i}", f"新{i}") for i in range(3)])
    second = Collector()
    restarted = make_bus()
    restarted.subscribe("search", ["content.documents"], second)
    await restarted.start()
    await second.wait_for(3, timeout=30)
    await asyncio.sleep(1)  # anything redelivered would show up by now
    assert sorted(m.value.decode() for m in second.messages) == ["新0", "新1", "新2"]


async def test_a_failing_handler_sends_the_message_to_the_dlq_topic_and_moves_on(make_bus) -> None:
    tries: list[str] = []

    async def picky(message: Message) -> None:
        tries.append(message.value.decode())
        if message.value == "坏消息".encode():
            raise ValueError("无法解析")

    consumer, watcher, producer = make_bus(max_retries=2), make_bus(), make_bus()
    handled = Collector(picky)
    dlq = Collector()
    consumer.subscribe("search", ["content.documents"], handled)
    watcher.subscribe("ops", ["content.documents.dlq"], dlq)
    await consumer.start()
    await watcher.start()
    await producer.publish_batch([msg("bad", "坏消息", ("ce-type", b"x.v1")), msg("bad", "好消息")])
    [dead] = await dlq.wait_for(1, timeout=30)
    assert (dead.topic, dead.key, dead.value) == ("content.documents.dlq", "bad", "坏消息".encode())
    headers = dict(dead.headers)
    assert headers["ce-type"] == b"x.v1" and headers["dlq-group"] == b"search" and b"ValueError" in headers["dlq-error"]
    await handled.wait_for(1, timeout=30)  # the next message of the same key is handled after the dead letter
    assert tries[:4] == ["坏消息", "坏消息", "坏消息", "好消息"]


PUBLISH_TIMEOUT = 15.0  # what a caller may reasonably wait for BusUnavailable (the producer's own is 10 s)


@needs_kafka_ctl
@pytest.mark.slow
async def test_a_broker_outage_raises_bus_unavailable_and_publishing_resumes_after_it(make_bus) -> None:
    consumer = make_bus()
    got = Collector()
    consumer.subscribe("search", ["content.documents"], got)
    await consumer.start()
    await make_bus().publish_batch([msg("doc-1", "停机前")])
    await got.wait_for(1, timeout=30)
    fresh = make_bus()  # a bus whose producer has not connected yet
    try:
        await asyncio.to_thread(broker, "stop")
        started = time.monotonic()
        with pytest.raises(BusUnavailable):
            await asyncio.wait_for(fresh.publish_batch([msg("doc-2", "停机中")]), PUBLISH_TIMEOUT)
        print(f"\nBusUnavailable from a new producer after {time.monotonic() - started:.1f}s")
    finally:
        await asyncio.to_thread(broker, "start")

    async def published() -> bool:
        try:
            await asyncio.wait_for(fresh.publish_batch([msg("doc-2", "恢复后")]), PUBLISH_TIMEOUT)
            return True
        except BusUnavailable:
            return False

    await eventually(published, timeout=60, every=0.5)
    received = await got.wait_for(2, timeout=60)  # the consumer reconnected by itself
    assert [m.value.decode() for m in received] == ["停机前", "恢复后"]


@needs_kafka_ctl
@pytest.mark.slow
async def test_a_connected_producer_raises_bus_unavailable_during_an_outage(make_bus) -> None:
    producer = make_bus()
    await producer.publish_batch([msg("doc-1", "停机前")])
    try:
        await asyncio.to_thread(broker, "stop")
        with pytest.raises(BusUnavailable):
            await asyncio.wait_for(producer.publish_batch([msg("doc-1", "停机中")]), PUBLISH_TIMEOUT)
    finally:
        await asyncio.to_thread(broker, "start")


@needs_kafka_ctl
@pytest.mark.slow
async def test_ping_reports_a_broker_outage(make_bus) -> None:
    producer = make_bus()
    await producer.publish_batch([msg("doc-1", "停机前")])
    assert await producer.ping()
    try:
        await asyncio.to_thread(broker, "stop")
        assert not await producer.ping()
    finally:
        await asyncio.to_thread(broker, "start")


async def test_dropping_a_namespace_deletes_its_topics_only(make_bus, namespace: str) -> None:
    bus, other = make_bus(), create_bus(BACKENDS.bus_url_for(f"{namespace}x"), client_id="shared-tests")
    got = Collector()
    bus.subscribe("search", ["content.documents"], got)
    await bus.start()
    await other.ensure_topics(["content.documents"])
    await bus.publish_batch([msg("doc-1", "合肥市政务公开工作要点")])
    await got.wait_for(1, timeout=30)
    await bus.stop()
    await bus.drop_namespace()
    admin = AIOKafkaAdminClient(bootstrap_servers=bus.bootstrap)
    await admin.start()
    try:
        topics = set(await admin.list_topics())
        assert not any(t.startswith(f"{namespace}.") for t in topics)
        assert f"{namespace}x.content.documents" in topics  # a namespace sharing its prefix keeps its topics
    finally:
        await admin.close()
        await other.drop_namespace()
    with pytest.raises(ValueError, match="namespace"):
        await create_bus(BACKENDS.bus_url, client_id="shared-tests").drop_namespace()
