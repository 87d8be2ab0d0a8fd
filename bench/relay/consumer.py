"""The consolidated target (sqlite:memory+consumer): the memory bus acknowledges a batch only once the
content service's own consumer has handled every event of it, as in the one-process deployment."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from bench.relay import CONSUMER, TARGET_LABELS
from bench.relay.measure import drain, per_batch_ms, throughput
from bench.relay.outbox import Template, fill
from shared.bus import Message


class DeliveryCounter:
    """Deliveries counted where the bus hands them to the consumer (which writes nothing without subscriptions)."""

    def __init__(self, bus) -> None:
        self.handled = 0
        self._deliver = bus.deliver
        bus.deliver = self._counted

    async def _counted(self, sub, message: Message) -> None:
        # the consumer writes an inbox row only when an event changes something (no subscriptions here:
        # nothing), so deliveries are counted where the bus hands them over; failures end in dead_letters
        await self._deliver(sub, message)
        self.handled += 1


async def run_with_consumer(
    batch: int, events: int, templates: list[Template], template_db: Path, workdir: Path
) -> dict[str, Any]:
    """The consolidated process as it is: the memory bus acknowledges a batch only once the content service's
    own consumer (content.subscriptions: per event, an inbox check and a subscription lookup in one transaction;
    with no subscriptions it writes nothing) has handled every event of it."""
    from services.content import Outbox
    from shared.messaging.relay import OutboxRelay

    runtime = consumer_runtime(template_db, workdir)
    deliveries = DeliveryCounter(runtime.bus)
    await runtime.start()
    await runtime.bus.start()
    try:
        fill_seconds = await fill(runtime.database.engine, templates, events)
        relay = OutboxRelay(runtime.database.engine, Outbox, runtime.bus, service="content", batch_size=batch)
        drained = await drain(relay)
        pending = await relay.pending()
        dead = len(getattr(runtime.bus, "dead_letters", []))
    finally:
        await runtime.stop()
    return (
        {"target": CONSUMER, "label": TARGET_LABELS[CONSUMER], "batch_size": batch, "events": drained[0]}
        # a dead-lettered event counts as not delivered
        | {"left_pending": pending + dead, "dead_letters": dead, "delivered": deliveries.handled - dead}
        | throughput(drained, events, fill_seconds, 0.0)
        | {"per_batch_ms": per_batch_ms(drained)}
    )


def consumer_runtime(template_db: Path, workdir: Path):
    """The content runtime, consumers on, on a copy of the templates' database (the events' documents exist)."""
    from services.content import ContentRuntime, ContentSettings

    database = workdir / f"consumer-{uuid.uuid4().hex[:6]}.db"
    shutil.copyfile(template_db, database)  # the documents the events name exist, as in the real process
    settings = ContentSettings(
        database_url=f"sqlite+aiosqlite:///{database}",
        blob_url=f"file://{workdir / 'blobs'}",
        relay_enabled=False,
        scheduler_enabled=False,
        log_json=False,
    )
    return ContentRuntime(settings)
