"""bench.letters.server — the interaction desk in a process of its own, for `bench.letters`.

    taskset -c 0 .venv/bin/python -m bench.letters.server --port P --database-url URL --bus-url URL
                                                          --jwks-url file://… [--blob-url file://DIR]

Migrates the database (services.interaction.migrate) and serves `create_app(settings, access_log=False)` with
uvicorn as `bench.server` does (1 worker, httptools, log level warning, no access log, gc frozen after
startup). Settings for a load from one address: no rate limit per address, no deadline watch, no SMTP relay
(mail stays in its table). Before the lifespan starts, a collector group subscribes to `interaction.letters`
and notes `time.time_ns()` when each letter's interaction.letter.received.v1 arrives. Once the app has
started, and before uvicorn listens, the desk learns 肥西县 from a SiteCreated event on content.sites (as it
would from the content library; no channel events: the desk follows none) and gets its 县长信箱 through the
`put_unit` use case. Two routes for the load generator (not in the OpenAPI schema, no authentication):

    GET /bench/wait?count=N&timeout=S   long-poll: returns when N letters' events have arrived (or S passed)
    GET /bench/events                   {"events": {"letter:<id>": arrival ns}, "messages", "repeats", "pid"}
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from typing import Any

from bench.letters import COLLECTOR_GROUP, RECEIVED, SITE_ID, UNIT_CODE
from bench.processes import PrepareBeforeListening
from bench.publish.arrivals import Arrivals
from shared.bus import Message
from shared.events.interaction import LETTERS_TOPIC
from shared.testing import TEST_AUDIENCE, TEST_ISSUER


class Received(Arrivals):
    """Arrivals of interaction.letter.received.v1 by letter; repeats (at-least-once delivery) counted apart."""

    def __init__(self) -> None:
        super().__init__(time.time_ns)
        self.messages = 0
        self.repeats = 0

    async def handle(self, message: Message) -> None:
        now = self.clock()
        if dict(message.headers).get("ce-type") != RECEIVED:
            return
        self.messages += 1
        if message.key in self.received:
            self.repeats += 1
            return
        self.received[message.key] = now
        self.sizes.append(len(message.value))
        self._changed.set()


async def open_desk(runtime: Any) -> None:
    """肥西县 announced on the bus as the content library would, then its mailbox made through the use case."""
    from services.interaction import UnitWrite, known_sites, put_unit
    from shared.auth import Grant, Principal
    from shared.events.content import SiteCreated
    from shared.events.samples import Feeder, eventually, site

    await runtime.bus.wait_ready()
    feixi = site(SITE_ID, "肥西县人民政府", "3401230001", level="county", parent_id="hefei")
    await Feeder(runtime.bus).send(SiteCreated(site_id=SITE_ID, aggregate_id=SITE_ID, aggregate_version=1, site=feixi))

    async def known() -> bool:
        return await known_sites(runtime.deps) >= 1

    await eventually(known, timeout=60)
    operator = Principal(subject="system:bench", name="bench", grants=(Grant(site="*", role="platform_operator"),))
    await put_unit(runtime.deps, operator, SITE_ID, UNIT_CODE, UnitWrite(name="县长信箱", kind="leader"))


def settings_for(args: argparse.Namespace):
    """The desk as deployed, but for a load from one address: no rate limit, no deadline watch, no SMTP."""
    from services.interaction import InteractionSettings

    return InteractionSettings(
        database_url=args.database_url,
        bus_url=args.bus_url,
        blob_url=args.blob_url,
        auth_jwks_url=args.jwks_url,
        auth_issuer=TEST_ISSUER,
        auth_audience=TEST_AUDIENCE,
        letters_per_hour_per_address=0,
        watch_enabled=False,
        smtp_url=None,
        log_json=False,
        log_level="WARNING",
    )


def build(settings) -> Any:
    """The desk's app with the collector subscribed, the /bench routes added and the desk opened at startup."""
    from services.interaction import InteractionRuntime, create_app

    app = create_app(settings, access_log=False)
    runtime = InteractionRuntime.of(app)
    log = Received()
    runtime.bus.subscribe(COLLECTOR_GROUP, [LETTERS_TOPIC], log.handle)

    async def bench_wait(count: int, timeout: float = 60.0) -> dict[str, int]:
        return {"received": await log.wait_count(count, timeout)}

    async def bench_events() -> dict[str, Any]:
        return {"events": dict(log.received), "messages": log.messages, "repeats": log.repeats, "pid": os.getpid()}

    app.add_api_route("/bench/wait", bench_wait, methods=["GET"], include_in_schema=False)
    app.add_api_route("/bench/events", bench_events, methods=["GET"], include_in_schema=False)
    return PrepareBeforeListening(app, lambda: open_desk(runtime))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The load generator names the database and bus of the run."""
    parser = argparse.ArgumentParser(prog="python -m bench.letters.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--bus-url", default="memory://")
    parser.add_argument("--jwks-url", required=True, help="file:// URL of a JWKS (no token is sent; the app needs one)")
    parser.add_argument("--blob-url", help="default: file:// a temporary directory")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Migrate, build and serve until SIGINT."""
    import uvicorn

    from services.interaction import migrate
    from shared.logs import configure_logging
    from shared.web import UVICORN_OPTIONS, FreezeAfterStartup

    args = parse_args(argv)
    configure_logging("WARNING", json=False)
    with tempfile.TemporaryDirectory(prefix="sgbench-letters-server-") as tmp:
        args.blob_url = args.blob_url or f"file://{tmp}/blobs"
        settings = settings_for(args)
        asyncio.run(migrate(settings))
        uvicorn.run(
            FreezeAfterStartup(build(settings)),  # as `sitegroup serve` runs it
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
