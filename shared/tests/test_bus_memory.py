"""The in-process bus: every group gets every message in order, a publish returns once handled, DLQ."""

from __future__ import annotations

import asyncio
import random

import pytest

from shared.bus import BusUnavailable, Message, create_bus, dead_letter_topic
from shared.bus.kafka import KafkaBus
from shared.bus.memory import MemoryBus
from shared.metrics import EVENTS_DEAD_LETTERED
from shared.tests.support import Collector

# No database, broker or bucket involved: nothing to repeat on the real servers.
pytestmark = pytest.mark.embedded_only


def msg(topic: str, key: str, text: str, *headers: tuple[str, bytes]) -> Message:
    return Message(topic, key, text.encode(), tuple(headers))


@pytest.fixture
async def bus():
    bus = MemoryBus(max_retries=2, retry_backoff=0.001)
    yield bus
    await bus.stop()


async def test_each_group_gets_every_message_in_publish_order(bus: MemoryBus) -> None:
    async def slow(_message: Message) -> None:
        await asyncio.sleep(random.random() / 1000)

    fast, jittery, other = Collector(), Collector(slow), Collector()
    bus.subscribe("search", ["content.documents"], fast)
    bus.subscribe("publisher", ["content.documents", "content.channels"], jittery)
    bus.subscribe("stats", ["content.sites"], other)
    await bus.start()
    sent = [msg("content.documents", f"doc-{i % 4}", f"第{i}号文件") for i in range(40)]
    for start in range(0, 40, 7):
        await bus.publish_batch(sent[start : start + 7])
    assert fast.messages == sent
    assert jittery.messages == sent
    assert other.messages == []


async def test_publish_returns_only_after_every_group_handled_the_message(bus: MemoryBus) -> None:
    gate = asyncio.Event()
    handled: list[str] = []

    async def gated(message: Message) -> None:
        await gate.wait()
        handled.append(message.value.decode())

    bus.subscribe("slow", ["t"], gated)
    bus.subscribe("fast", ["t"], Collector())
    await bus.start()
    publish = asyncio.create_task(bus.publish_batch([msg("t", "k", "合肥")]))
    await asyncio.sleep(0.05)
    assert not publish.done() and handled == []  # not acknowledged while a group still works on it
    gate.set()
    await asyncio.wait_for(publish, 1)
    assert handled == ["合肥"]


async def test_a_failing_handler_is_retried_then_dead_lettered_and_the_publisher_moves_on(bus: MemoryBus) -> None:
    attempts: list[str] = []

    async def broken(message: Message) -> None:
        attempts.append(message.key)
        if message.key == "bad":
            raise ValueError("无法解析")

    dlq_watch = Collector()
    bus.subscribe("search", ["content.documents"], broken)
    bus.subscribe("ops", [dead_letter_topic("content.documents")], dlq_watch)
    await bus.start()
    before = EVENTS_DEAD_LETTERED.labels("search", "content.documents")._value.get()
    bad = msg("content.documents", "bad", "坏消息", ("ce-type", b"x.v1"))
    await asyncio.wait_for(bus.publish_batch([bad, msg("content.documents", "good", "好消息")]), 2)

    assert attempts == ["bad", "bad", "bad", "good"]  # max_retries=2: three tries, then the next message
    [dead] = bus.dead_letters
    assert (dead.topic, dead.key, dead.value) == ("content.documents.dlq", "bad", "坏消息".encode())
    headers = dict(dead.headers)
    assert headers["ce-type"] == b"x.v1" and headers["dlq-group"] == b"search"
    assert "无法解析" in headers["dlq-error"].decode() and "ValueError" in headers["dlq-error"].decode()
    assert dlq_watch.messages == [dead]
    assert EVENTS_DEAD_LETTERED.labels("search", "content.documents")._value.get() == before + 1


async def test_a_handler_that_recovers_within_its_retries_is_not_dead_lettered(bus: MemoryBus) -> None:
    failures = iter([RuntimeError("一"), RuntimeError("二")])

    async def flaky(_message: Message) -> None:
        if (error := next(failures, None)) is not None:
            raise error

    done = Collector(flaky)
    bus.subscribe("g", ["t"], done)
    await bus.start()
    await bus.publish_batch([msg("t", "k", "x")])
    assert len(done.messages) == 1 and bus.dead_letters == []


async def test_publish_on_a_stopped_bus_raises_bus_unavailable() -> None:
    bus = MemoryBus()
    bus.subscribe("g", ["t"], Collector())
    with pytest.raises(BusUnavailable):
        await bus.publish_batch([msg("t", "k", "早了")])
    assert not await bus.ping()
    await bus.start()
    assert await bus.ping()
    await bus.publish_batch([msg("t", "k", "正好")])
    await bus.stop()
    assert not await bus.ping()
    with pytest.raises(BusUnavailable):
        await bus.publish_batch([msg("t", "k", "晚了")])


async def test_stop_lets_queued_messages_finish(bus: MemoryBus) -> None:
    async def slow(_message: Message) -> None:
        await asyncio.sleep(0.02)

    got = Collector(slow)
    bus.subscribe("g", ["t"], got)
    await bus.start()
    publish = asyncio.create_task(bus.publish_batch([msg("t", "k", str(i)) for i in range(3)]))
    await asyncio.sleep(0)
    await bus.stop()
    await asyncio.wait_for(publish, 1)
    assert [m.value for m in got.messages] == [b"0", b"1", b"2"]


async def test_a_topic_nobody_subscribes_to_is_accepted_at_once(bus: MemoryBus) -> None:
    await bus.start()
    await asyncio.wait_for(bus.publish_batch([msg("nobody.listens", "k", "x")]), 0.5)


def test_create_bus_chooses_by_url() -> None:
    memory = create_bus("memory://", max_retries=5)
    assert isinstance(memory, MemoryBus) and memory.max_retries == 5
    kafka = create_bus("kafka://127.0.0.1:19092,127.0.0.1:19094?namespace=t1", client_id="svc")
    assert isinstance(kafka, KafkaBus) and kafka.bootstrap == "127.0.0.1:19092,127.0.0.1:19094"
    assert kafka._physical("content.documents") == "t1.content.documents"
    assert kafka._logical("t1.content.documents") == "content.documents"
    assert create_bus("kafka://h:1")._physical("a.b") == "a.b"
    with pytest.raises(ValueError, match="unsupported bus URL"):
        create_bus("nats://127.0.0.1:4222")
