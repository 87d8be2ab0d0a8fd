"""bench.publish — documents per second through the whole review workflow and the outbox.

Each document is exactly four API calls on the content service, made through its HTTP API, either
in-process (--mode inprocess: httpx.AsyncClient on httpx.ASGITransport, the app's lifespan running as in
shared/testing.py) or over HTTP (--mode http: the service in a process of its own, `bench.server` on
uvicorn pinned to core 0, this load generator pinned to core 1, keep-alive connections):

    POST /sites/{site}/documents {"submit": true, …}   by the site's editor
    POST /sites/{site}/documents/{id}/approve         by reviewer:初审
    POST …/approve                                    by reviewer:审核
    POST …/approve                                    by reviewer:审发 (publishes: outbox → relay → bus)

N workers (default 8 in-process, 16 over HTTP) each walk documents through these calls, or, with
--rate R, a document is started every 1/R s whatever is still in flight (open loop). A collector
subscribed to the bus (like the tests' `events` fixture; in http mode inside the server process) notes
when each content.document.published.v1 arrives; a document counts once its event has reached that
consumer. Publish-to-event latency is measured from just before the final approve is sent, and from its
response, to the collector receiving the event.

    .venv/bin/python -m bench.publish [--mode inprocess|http] [--backend sqlite|postgres-kafka|both]
                                      [--docs 1000] [--workers N] [--rate R]
                                      [--profile var/bench/publish-profile] [--json var/bench/publish.json]
"""

from bench.common import Target

API = "/api/v1/content"
PUBLISHED = b"content.document.published.v1"
STEPS = ("初审", "审核", "审发")
CALLS = ("create+submit", "approve 1 初审", "approve 2 审核", "approve 3 审发 (publish)")
CONFIGS = {
    "sqlite": "SQLite file + in-process memory bus + local blobs",
    "postgres-kafka": "PostgreSQL + Kafka + local blobs",
}
THROUGHPUT_TARGET = {"sqlite": Target(200, True, "docs/s")}
P99_TARGET = {"sqlite": Target(50, False, "ms"), "postgres-kafka": Target(500, False, "ms")}
