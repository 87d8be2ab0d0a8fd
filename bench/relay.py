"""bench.relay — outbox relay throughput: events/s moved from the content service's outbox to the bus.

The outbox table of a fresh, migrated content database is filled with M events (default 50,000). Their
payloads are real rows: a few dozen demo documents are published through the content service's own use
cases first, and their content.document.published.v1 CloudEvents are copied with fresh event ids. Then
shared.messaging.relay.OutboxRelay.relay_once() is called in a loop until the outbox is empty, and timed.

Targets: the two deployment shapes, SQLite + the in-process memory bus (one no-op subscriber; the memory
bus acknowledges a batch once every subscriber has handled it) and PostgreSQL + Kafka (≥ 5,000 events/s),
each with batch sizes 500 and 2000. sqlite:kafka and postgres:memory separate the database's share
from the bus's.

    .venv/bin/python -m bench.relay [--events 50000] [--batch-sizes 500,2000]
                                    [--targets sqlite:memory,postgres:kafka,postgres:memory,sqlite:kafka]
                                    [--json var/bench/relay.json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.messaging.relay import OutboxRelay

from rich.table import Table
from sqlalchemy import event, func, insert, select, update

from bench.common import (
    Target,
    console,
    delete_kafka_namespace,
    demo_sites,
    document_body,
    fmt,
    fresh_database,
    kafka_bootstrap,
    machine,
    new_namespace,
    percentile,
    quiet_logs,
    real_backends,
    require_kafka,
    site_articles,
    site_body,
    warn_if_busy,
    write_json,
)
from shared.bus import Message, create_bus
from shared.db.migrate import upgrade_database
from shared.events.content import DOCUMENTS_TOPIC

PUBLISHED = "content.document.published.v1"
KAFKA_TARGET = Target(5000, True, "events/s")
TARGET_LABELS = {
    "sqlite:memory": "SQLite outbox → memory bus (1 no-op subscriber)",
    "postgres:kafka": "PostgreSQL outbox → Kafka",
    "postgres:memory": "PostgreSQL outbox → memory bus (1 no-op subscriber)",
    "sqlite:kafka": "SQLite outbox → Kafka",
    "sqlite:memory+consumer": "SQLite outbox → memory bus with the content service's own consumer (consolidated)",
}


@dataclass(frozen=True, slots=True)
class Template:
    topic: str
    key: str
    site_id: str
    type: str
    event_id: str
    payload: bytes


async def drain(relay: OutboxRelay) -> tuple[int, list[float], float]:
    """Relay batches until the outbox is empty: (events moved, seconds per batch, seconds in all)."""
    batches: list[float] = []
    moved = 0
    began = time.perf_counter()
    while True:
        started = time.perf_counter()
        n = await relay.relay_once()
        if n == 0:
            return moved, batches, time.perf_counter() - began
        batches.append(time.perf_counter() - started)
        moved += n


async def real_templates(workdir: Path, per_site: int, sites: int) -> tuple[list[Template], Path]:
    """Publish demo documents through the content use cases; their published events, and the database."""
    from services.content.config import ContentSettings
    from services.content.main import MIGRATIONS, VERSION_TABLE, ContentRuntime
    from services.content.models import Outbox
    from services.content.schemas.documents import DocumentCreate, ReviewDecision
    from services.content.schemas.sites import SiteCreate
    from services.content.service.channels import list_channels
    from services.content.service.documents import create_document
    from services.content.service.sites import create_site
    from services.content.service.workflow import approve_document
    from sitegroup.demo.seed import SEEDER

    database = workdir / "templates.db"
    url = f"sqlite+aiosqlite:///{database}"
    await upgrade_database(url, MIGRATIONS, VERSION_TABLE)
    settings = ContentSettings(
        database_url=url,
        blob_url=f"file://{workdir / 'blobs'}",
        relay_enabled=False,
        consumers_enabled=False,
        scheduler_enabled=False,
        log_json=False,
    )
    runtime = ContentRuntime(settings)
    deps = runtime.deps
    t = Outbox.__table__
    try:
        for site in demo_sites(sites):
            await create_site(deps, SEEDER, SiteCreate(**site_body(site)))
            channels = {c.path: c.id for c in await list_channels(deps, site.id)}
            for article in site_articles(site)[:per_site]:
                doc = await create_document(deps, SEEDER, site.id, DocumentCreate(**document_body(article, channels)))
                for _ in range(3):
                    await approve_document(deps, SEEDER, site.id, doc.id, ReviewDecision(comment="同意发布"))
        async with runtime.engine.begin() as conn:
            rows = (await conn.execute(select(t).where(t.c.type == PUBLISHED).order_by(t.c.id))).all()
            # the copies made of this database start with an empty queue: only the filled rows are relayed
            await conn.execute(update(t).values(published_at=func.now()))
    finally:
        await runtime.engine.dispose()
    return [Template(r.topic, r.key, r.site_id, r.type, r.event_id, bytes(r.payload)) for r in rows], database


def choose(templates: list[Template], low: int, high: int) -> list[Template]:
    """Events of 3–5 KB as the issue asks; the largest real ones when too few fall in that range."""
    inside = [t for t in templates if low <= len(t.payload) <= high]
    if len(inside) >= 20:
        return inside
    return sorted(templates, key=lambda t: len(t.payload), reverse=True)[: max(20, len(templates) // 3)]


async def fill(engine, templates: list[Template], count: int, chunk: int = 2000) -> float:
    """Insert `count` outbox rows (fresh event ids in row and payload) in transactions of `chunk` rows."""
    from services.content.models import Outbox
    from shared.messaging.tables import utcnow

    table = Outbox.__table__
    began = time.perf_counter()
    for start in range(0, count, chunk):
        rows = []
        for i in range(start, min(count, start + chunk)):
            tpl = templates[i % len(templates)]
            event_id = str(uuid.uuid4())
            rows.append(
                {
                    "event_id": event_id,
                    "topic": tpl.topic,
                    "key": tpl.key,
                    "site_id": tpl.site_id,
                    "type": tpl.type,
                    "payload": tpl.payload.replace(tpl.event_id.encode(), event_id.encode(), 1),
                    "created_at": utcnow(),
                }
            )
        async with engine.begin() as conn:
            await conn.execute(insert(table), rows)
    return time.perf_counter() - began


class PhaseTimer:
    """Time of the relay's SELECT and UPDATE statements (cursor execute, i.e. the driver round trip)."""

    def __init__(self, sync_engine) -> None:
        self.engine = sync_engine
        self.seconds = {"SELECT": 0.0, "UPDATE": 0.0}
        event.listen(sync_engine, "before_cursor_execute", self._before)
        event.listen(sync_engine, "after_cursor_execute", self._after)

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, _c, _cur, _s, _p, context, _m) -> None:
        context._bench_started = time.perf_counter()

    def _after(self, _c, _cur, statement: str, _p, context, _m) -> None:
        kind = statement.lstrip().split(" ", 1)[0].upper()
        if kind in self.seconds:
            self.seconds[kind] += time.perf_counter() - context._bench_started


async def kafka_message_count(bus_url: str, physical_topic: str) -> int:
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


async def run_one(
    target: str, batch: int, args: argparse.Namespace, backends, templates: list[Template], workdir: Path
) -> dict[str, Any]:
    from services.content.main import MIGRATIONS, VERSION_TABLE
    from services.content.models import Outbox
    from shared.db.engine import create_engine
    from shared.messaging.relay import OutboxRelay

    db, bus_kind = target.split(":")
    namespace = new_namespace("benchrelay") if bus_kind == "kafka" else ""
    bus_url = backends.bus_url_for(namespace) if bus_kind == "kafka" else "memory://"
    if bus_kind == "kafka":
        await require_kafka(bus_url)
    received = 0

    async def noop(_message: Message) -> None:
        nonlocal received
        received += 1

    async with fresh_database(
        db, workdir, "relay", admin_url=backends.database_url, migrations=MIGRATIONS, version_table=VERSION_TABLE
    ) as url:
        engine = create_engine(url)
        bus = create_bus(bus_url, client_id="content")
        try:
            fill_seconds = await fill(engine, templates, args.events)
            if bus_kind == "memory":
                bus.subscribe("bench.noop", [DOCUMENTS_TOPIC], noop)
            else:
                await bus.ensure_topics([DOCUMENTS_TOPIC])
                if not await bus.ping():  # starts the producer and loads metadata before the clock starts
                    raise SystemExit("the Kafka producer did not start")
            await bus.start()
            relay = OutboxRelay(engine, Outbox, bus, service="content", batch_size=batch)
            published = 0.0
            original = bus.publish_batch

            async def timed_publish(messages):
                nonlocal published
                started = time.perf_counter()
                await original(messages)
                published += time.perf_counter() - started

            bus.publish_batch = timed_publish  # type: ignore[method-assign]
            phases = PhaseTimer(engine.sync_engine)
            moved, batches, elapsed = await drain(relay)
            phases.close()
            pending = await relay.pending()
            async with engine.connect() as conn:
                payload_bytes = (await conn.execute(select(func.avg(func.length(Outbox.__table__.c.payload))))).scalar()
            if bus_kind == "kafka":
                await bus.stop()
                delivered = await kafka_message_count(bus_url, f"{namespace}.{DOCUMENTS_TOPIC}")
            else:
                delivered = received
        finally:
            with contextlib.suppress(Exception):
                await bus.stop()
            await engine.dispose()
            if bus_kind == "kafka":
                await delete_kafka_namespace(bus_url, namespace)
    n_batches = len(batches) or 1
    return {
        "target": target,
        "label": TARGET_LABELS.get(target, target),
        "batch_size": batch,
        "events": moved,
        "left_pending": pending,
        "delivered": delivered,
        "seconds": elapsed,
        "events_per_s": moved / elapsed if elapsed else 0.0,
        "fill_seconds": fill_seconds,
        "fill_rows_per_s": args.events / fill_seconds if fill_seconds else 0.0,
        "payload_bytes_mean": float(payload_bytes or 0),
        "batches": len(batches),
        "batch_ms": {"p50": 1000 * percentile(batches, 50), "p99": 1000 * percentile(batches, 99)},
        "per_batch_ms": {
            "select": 1000 * phases.seconds["SELECT"] / n_batches,
            "publish": 1000 * published / n_batches,
            "update": 1000 * phases.seconds["UPDATE"] / n_batches,
            "total": 1000 * elapsed / n_batches,
            "rest": 1000 * (elapsed - published - phases.seconds["SELECT"] - phases.seconds["UPDATE"]) / n_batches,
        },
    }


async def run_with_consumer(
    batch: int, events: int, templates: list[Template], template_db: Path, workdir: Path
) -> dict[str, Any]:
    """The consolidated process as it is: the memory bus acknowledges a batch only once the content service's
    own consumer (content.subscriptions: per event, an inbox check and a subscription lookup in one transaction;
    with no subscriptions it writes nothing) has handled every event of it."""
    import shutil

    from services.content.config import ContentSettings
    from services.content.main import ContentRuntime
    from services.content.models import Outbox
    from shared.messaging.relay import OutboxRelay

    database = workdir / f"consumer-{uuid.uuid4().hex[:6]}.db"
    shutil.copyfile(template_db, database)  # the documents the events name exist, as in the real process
    settings = ContentSettings(
        database_url=f"sqlite+aiosqlite:///{database}",
        blob_url=f"file://{workdir / 'blobs'}",
        relay_enabled=False,
        scheduler_enabled=False,
        log_json=False,
    )
    runtime = ContentRuntime(settings)
    bus = runtime.bus
    handled = 0
    deliver = bus.deliver

    async def counted(sub, message: Message) -> None:
        # the consumer writes an inbox row only when an event changes something (no subscriptions here:
        # nothing), so deliveries are counted where the bus hands them over; failures end in dead_letters
        nonlocal handled
        await deliver(sub, message)
        handled += 1

    bus.deliver = counted  # type: ignore[method-assign]
    await runtime.start()
    await bus.start()
    try:
        fill_seconds = await fill(runtime.engine, templates, events)
        relay = OutboxRelay(runtime.engine, Outbox, bus, service="content", batch_size=batch)
        moved, batches, elapsed = await drain(relay)
        pending = await relay.pending()
        dead = len(getattr(bus, "dead_letters", []))
    finally:
        await runtime.stop()
    n_batches = len(batches) or 1
    return {
        "target": "sqlite:memory+consumer",
        "label": TARGET_LABELS["sqlite:memory+consumer"],
        "batch_size": batch,
        "events": moved,
        "left_pending": pending + dead,  # a dead-lettered event counts as not delivered
        "dead_letters": dead,
        "delivered": handled - dead,
        "seconds": elapsed,
        "events_per_s": moved / elapsed if elapsed else 0.0,
        "fill_seconds": fill_seconds,
        "fill_rows_per_s": events / fill_seconds if fill_seconds else 0.0,
        "payload_bytes_mean": 0.0,
        "batches": len(batches),
        "batch_ms": {"p50": 1000 * percentile(batches, 50), "p99": 1000 * percentile(batches, 99)},
        "per_batch_ms": {
            "select": float("nan"),
            "publish": float("nan"),
            "update": float("nan"),
            "total": 1000 * elapsed / n_batches,
            "rest": float("nan"),
        },
    }


def print_results(results: list[dict[str, Any]], templates: list[Template]) -> None:
    table = Table(title="bench.relay — OutboxRelay.relay_once() until the outbox is empty")
    for column in (
        "outbox → bus",
        "batch",
        "events",
        "events/s",
        "target",
        "batch p50 / p99 ms",
        "per batch ms: SELECT / publish / UPDATE / rest",
        "delivered",
        "fill rows/s",
    ):
        table.add_column(column, justify="left" if column in ("outbox → bus", "target") else "right")
    for r in results:
        target = KAFKA_TARGET if r["target"].endswith(":kafka") else None
        phases = r["per_batch_ms"]
        table.add_row(
            r["label"],
            str(r["batch_size"]),
            f"{r['events']:,}",
            fmt(r["events_per_s"], 0),
            target.verdict(r["events_per_s"]) if target else "–",
            f"{fmt(r['batch_ms']['p50'])} / {fmt(r['batch_ms']['p99'])}",
            f"{fmt(phases['select'])} / {fmt(phases['publish'])} / {fmt(phases['update'])} / {fmt(phases['rest'])}",
            f"{r['delivered']:,}" + (" ✗" if r["delivered"] != r["events"] or r["left_pending"] else ""),
            fmt(r["fill_rows_per_s"], 0),
        )
    console.print(table)
    sizes = [len(t.payload) for t in templates]
    console.print(
        "[dim]SELECT and UPDATE = the statements' cursor execute (driver round trip); rest = fetching the "
        "rows, building messages, checkouts and commits, the relay's own Python[/]"
    )
    console.print(
        f"payloads: real content.document.published.v1 CloudEvents, {len(templates)} distinct, "
        f"{min(sizes):,}–{max(sizes):,} bytes (mean {sum(sizes) / len(sizes):,.0f}); each row gets a fresh event id"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.relay", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50_000, help="outbox rows per run (default 50,000)")
    parser.add_argument("--batch-sizes", default="500,2000", help="relay batch sizes to try (default 500,2000)")
    parser.add_argument(
        "--targets",
        help="comma-separated db:bus pairs (sqlite|postgres : memory|kafka), or "
        "sqlite:memory+consumer; default: all five when SG_TEST_* name the backends, else "
        "sqlite:memory,sqlite:memory+consumer",
    )
    parser.add_argument(
        "--consumer-events",
        type=int,
        default=5_000,
        help="outbox rows for sqlite:memory+consumer, which is slow (default 5,000)",
    )
    parser.add_argument("--payload-bytes", default="3000-5000", help="preferred event size range (default 3000-5000)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the results as JSON")
    return parser.parse_args(argv)


async def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    quiet_logs()
    warn_if_busy()
    from shared.testing import Backends

    wanted = args.targets.split(",") if args.targets else None
    needs_real = wanted is None or any(t.startswith("postgres") or t.endswith("kafka") for t in wanted)
    backends = real_backends(read_env_file=wanted is not None and needs_real)
    if wanted is None:
        wanted = list(TARGET_LABELS) if backends else ["sqlite:memory", "sqlite:memory+consumer"]
    for target in wanted:
        if target not in TARGET_LABELS:
            raise SystemExit(f"unknown target {target!r}; known: {', '.join(TARGET_LABELS)}")
        if not target.startswith("sqlite:memory") and backends is None:
            raise SystemExit(f"{target} needs SG_TEST_DATABASE_URL and SG_TEST_BUS_URL (scripts/backends/up.sh)")
    backends = backends or Backends(None, None, None, None)
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    low, high = (int(x) for x in args.payload_bytes.split("-"))
    results = []
    with tempfile.TemporaryDirectory(prefix="sgbench-relay-") as tmp_name:
        tmp = Path(tmp_name)
        console.print("[dim]publishing demo documents through the content service for real event payloads…[/]")
        found, template_db = await real_templates(tmp, per_site=40, sites=3)
        templates = choose(found, low, high)
        for target in wanted:
            for batch in batch_sizes:
                count = args.consumer_events if target == "sqlite:memory+consumer" else args.events
                console.print(f"[dim]{TARGET_LABELS[target]}, batch {batch}: filling {count:,} rows…[/]")
                if target == "sqlite:memory+consumer":
                    result = await run_with_consumer(batch, count, templates, template_db, tmp)
                else:
                    result = await run_one(target, batch, args, backends, templates, tmp)
                console.print(f"  → {fmt(result['events_per_s'], 0)} events/s")
                results.append(result)
    print_results(results, templates)
    write_json(
        args.json,
        {
            "bench": "relay",
            "machine": machine(),
            "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "results": results,
            "payload_bytes": sorted(len(t.payload) for t in templates),
        },
    )
    failed = any(r["delivered"] != r["events"] or r["left_pending"] for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
