"""bench.server — the content service in a process of its own, for `bench.publish --mode http`.

    taskset -c 0 .venv/bin/python -m bench.server --port P --database-url URL --bus-url URL --jwks-url file://…
                                                  [--blob-url file://DIR] [--host 127.0.0.1] [--no-migrate]

Migrates the database (services.content.migrate), builds `create_app(settings, access_log=False)` and
serves it with uvicorn (1 worker, httptools, stdlib asyncio loop, log level warning, no access log). Before the
lifespan starts it subscribes a collector group of its own to `content.documents` on the app's bus; the
collector notes `time.time_ns()` when each `content.document.published.v1` arrives. Two routes are
added for the load generator (kept out of the OpenAPI schema, no authentication):

    GET /bench/wait?count=N&timeout=S   long-poll: returns when N documents' events have arrived (or S passed)
    GET /bench/events                   {"events": {document id: arrival ns}, "sizes": {"n", "mean"}}

The wall clock (CLOCK_REALTIME) is shared by every process on one machine, so the load generator can
compare its own `time.time_ns()` stamps with these.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time

from bench.publish.arrivals import Arrivals
from shared.events.content import DOCUMENTS_TOPIC
from shared.testing import TEST_AUDIENCE, TEST_ISSUER

COLLECTOR_GROUP = "bench.collector"


def settings_for(args: argparse.Namespace):
    from services.content import ContentSettings

    return ContentSettings(
        database_url=args.database_url,
        bus_url=args.bus_url,
        blob_url=args.blob_url,
        auth_jwks_url=args.jwks_url,
        auth_issuer=args.issuer,
        auth_audience=args.audience,
        log_json=False,
        log_level="WARNING",
    )


def build(settings):
    """The content app with the collector subscribed and the /bench routes added."""
    from services.content import ContentRuntime, create_app

    app = create_app(settings, access_log=False)
    log = Arrivals(time.time_ns)
    ContentRuntime.of(app).bus.subscribe(COLLECTOR_GROUP, [DOCUMENTS_TOPIC], log.handle)

    async def bench_wait(count: int, timeout: float = 60.0) -> dict[str, int]:
        return {"received": await log.wait_count(count, timeout)}

    async def bench_events() -> dict:
        sizes = {"n": len(log.received), "mean": log.mean_size()}
        return {"events": dict(log.received), "sizes": sizes, "pid": os.getpid()}

    app.add_api_route("/bench/wait", bench_wait, methods=["GET"], include_in_schema=False)
    app.add_api_route("/bench/events", bench_events, methods=["GET"], include_in_schema=False)
    return app


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--bus-url", default="memory://")
    parser.add_argument("--jwks-url", required=True, help="file:// URL of the JWKS the tokens are signed with")
    parser.add_argument("--blob-url", help="default: file:// a temporary directory")
    parser.add_argument("--issuer", default=TEST_ISSUER)
    parser.add_argument("--audience", default=TEST_AUDIENCE)
    parser.add_argument("--no-migrate", action="store_true", help="the database is migrated already")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    from services.content import migrate
    from shared.logs import configure_logging
    from shared.web import UVICORN_OPTIONS, FreezeAfterStartup

    args = parse_args(argv)
    configure_logging("WARNING", json=False)
    with tempfile.TemporaryDirectory(prefix="sgbench-server-") as tmp:
        args.blob_url = args.blob_url or f"file://{tmp}/blobs"
        settings = settings_for(args)
        if not args.no_migrate:
            asyncio.run(migrate(settings))
        app = build(settings)
        uvicorn.run(
            FreezeAfterStartup(app),  # as `sitegroup serve` runs it
            host=args.host,
            port=args.port,
            workers=1,
            log_level="warning",
            access_log=False,
            **UVICORN_OPTIONS,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
