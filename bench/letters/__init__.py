"""bench.letters — letters submitted per second to the interaction desk at 200 concurrent submitters, none lost.

The desk (services.interaction) runs as `bench.letters.server` in a process of its own on uvicorn pinned to
core 0; this load generator, pinned to core 1, sends letters from C submitters, each on its own keep-alive
connection (bench.rawhttp), to the public form's API with no account:

    POST /api/v1/interaction/sites/feixi/letters {"category", "addressee", "title", "body", "name", …}

Every answer must be 201 with a 查询码. A collector group inside the server counts the
interaction.letter.received.v1 events that reach it over the bus (memory bus, or Kafka through the outbox
relay); afterwards the rows of the `letters` table are counted in the database itself. None lost means:
201s = rows stored = letters whose event reached the collector.

    .venv/bin/python -m bench.letters [--backend sqlite|postgres-kafka|both] [--letters 3000]
                                      [--concurrency 200] [--warmup 100] [--rate R] [--unpinned] [--json PATH]
"""

from bench.common import Target

API = "/api/v1/interaction"
SITE_ID = "feixi"
UNIT_CODE = "xzxx"
RECEIVED = b"interaction.letter.received.v1"
COLLECTOR_GROUP = "bench.letters.collector"
THROUGHPUT_TARGET = {"sqlite": Target(300, True, "letters/s")}
P99_TARGET = {"sqlite": Target(100, False, "ms")}
