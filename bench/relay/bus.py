"""The db:bus targets: a fresh outbox relayed into a bus that does no work of its own (the memory bus with
one no-op subscriber, or a Kafka namespace of this run), and what reached it counted."""

from __future__ import annotations

import argparse
import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.common import delete_kafka_namespace, fresh_database, kafka_bootstrap, new_namespace, require_kafka
from bench.relay import TARGET_LABELS
from bench.relay.measure import PhaseTimer, PublishTimer, drain, per_batch_ms, throughput
from bench.relay.outbox import Template, fill
from shared.bus import Message, create_bus
from shared.events.content import DOCUMENTS_TOPIC


@dataclass(frozen=True, slots=True)
class Destination:
    """Where the relay publishes: the memory bus, or Kafka under a namespace dropped after the run."""

    kind: str
    url: str
    namespace: str = ""


class NoopSubscriber:
    """The memory bus's one subscriber: it only counts, so the relay and the bus are what is timed."""

    def __init__(self) -> None:
        self.received = 0

    async def handle(self, _message: Message) -> None:
        self.received += 1


async def run_one(
    target: str, batch: int, args: argparse.Namespace, backends, templates: list[Template], workdir: Path
) -> dict[str, Any]:
    """One db:bus pair at one batch size: a fresh migrated database, its outbox filled, relayed until empty."""
    from services.content import SCHEMA

    db, bus_kind = target.split(":")
    destination = await reachable_destination(bus_kind, backends)
    async with fresh_database(db, workdir, "relay", admin_url=backends.database_url, schema=SCHEMA) as url:
        figures = await relay_outbox(url, destination, batch, templates, args.events)
    return {"target": target, "label": TARGET_LABELS.get(target, target), "batch_size": batch} | figures


async def reachable_destination(bus_kind: str, backends) -> Destination:
    """The memory bus, or a new Kafka namespace once the broker answers (else the run stops here)."""
    if bus_kind != "kafka":
        return Destination("memory", "memory://")
    namespace = new_namespace("benchrelay")
    url = backends.bus_url_for(namespace)
    await require_kafka(url)
    return Destination("kafka", url, namespace)


async def relay_outbox(
    url: str, destination: Destination, batch: int, templates: list[Template], events: int
) -> dict[str, Any]:
    """Engine and bus for one run, closed (and the Kafka namespace dropped) whatever happens."""
    from shared.db.engine import create_engine

    engine = create_engine(url)
    bus = create_bus(destination.url, client_id="content")
    try:
        return await fill_and_relay(engine, bus, destination, batch, templates, events)
    finally:
        with contextlib.suppress(Exception):
            await bus.stop()
        await engine.dispose()
        if destination.kind == "kafka":
            await delete_kafka_namespace(destination.url, destination.namespace)


async def fill_and_relay(
    engine, bus, destination: Destination, batch: int, templates: list[Template], events: int
) -> dict[str, Any]:
    """Fill the outbox, ready the bus, then time OutboxRelay.relay_once() until the outbox is empty."""
    from services.content import Outbox
    from shared.messaging.relay import OutboxRelay

    fill_seconds = await fill(engine, templates, events)
    subscriber = await ready_bus(bus, destination)
    await bus.start()
    relay = OutboxRelay(engine, Outbox, bus, service="content", batch_size=batch)
    publishing = PublishTimer(bus)
    phases = PhaseTimer(engine.sync_engine)
    drained = await drain(relay)
    phases.close()
    pending = await relay.pending()
    async with engine.connect() as conn:
        payload_bytes = (await conn.execute(select(func.avg(func.length(Outbox.__table__.c.payload))))).scalar()
    delivered = await count_delivered(bus, destination, subscriber)
    select_s, update_s = phases.seconds["SELECT"], phases.seconds["UPDATE"]
    return (
        {"events": drained[0], "left_pending": pending, "delivered": delivered}
        | throughput(drained, events, fill_seconds, float(payload_bytes or 0))
        | {"per_batch_ms": per_batch_ms(drained, select_s, publishing.seconds, update_s)}
    )


async def ready_bus(bus, destination: Destination) -> NoopSubscriber:
    """Subscribe the no-op counter (memory), or create the topic and start Kafka's producer before the clock."""
    subscriber = NoopSubscriber()
    if destination.kind == "memory":
        bus.subscribe("bench.noop", [DOCUMENTS_TOPIC], subscriber.handle)
    else:
        await bus.ensure_topics([DOCUMENTS_TOPIC])
        if not await bus.ping():  # starts the producer and loads metadata before the clock starts
            raise SystemExit("the Kafka producer did not start")
    return subscriber


async def count_delivered(bus, destination: Destination, subscriber: NoopSubscriber) -> int:
    """Events the subscriber received (memory), or the messages on the namespace's topic (Kafka)."""
    if destination.kind != "kafka":
        return subscriber.received
    await bus.stop()
    return await kafka_message_count(destination.url, f"{destination.namespace}.{DOCUMENTS_TOPIC}")


async def kafka_message_count(bus_url: str, physical_topic: str) -> int:
    """The end offsets of every partition of the topic, summed."""
    from aiokafka import AIOKafkaConsumer
    from aiokafka.structs import TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap(bus_url), client_id="sitegroup-bench")
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(physical_topic) or set()
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(physical_topic) or set()
        ends = await consumer.end_offsets([TopicPartition(physical_topic, p) for p in partitions])
        return sum(ends.values())
    finally:
        await consumer.stop()
