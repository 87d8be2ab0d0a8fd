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

from bench.common import Target

PUBLISHED = "content.document.published.v1"
KAFKA_TARGET = Target(5000, True, "events/s")
CONSUMER = "sqlite:memory+consumer"
TARGET_LABELS = {
    "sqlite:memory": "SQLite outbox → memory bus (1 no-op subscriber)",
    "postgres:kafka": "PostgreSQL outbox → Kafka",
    "postgres:memory": "PostgreSQL outbox → memory bus (1 no-op subscriber)",
    "sqlite:kafka": "SQLite outbox → Kafka",
    CONSUMER: "SQLite outbox → memory bus with the content service's own consumer (consolidated)",
}
