"""bench.opendata.server — the open-data portal in a process of its own, for `bench.opendata`.

    taskset -c 0 .venv/bin/python -m bench.opendata.server --port P --data-dir DIR --jwks-url file://…

Settings as the embedded deployment runs it: the catalogue in a SQLite file (migrated here), the datastore in a
SQLite file of its own, the memory bus, local blobs, tokens verified against the given JWKS (the load generator
mints the publisher's token with shared.testing.Tokens). Uploads may be up to 1 GiB (larger --rows). Once the app
has started, and before uvicorn listens, the portal learns 合肥市 from content.sites events (shared.events.samples,
as the tests feed it), so a server that answers /readyz takes the publisher's upload. Served with uvicorn as
`bench.server` serves content (1 worker, httptools, no access log, gc frozen after startup).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bench.opendata import SITE_ID
from bench.processes import PrepareBeforeListening
from shared.testing import TEST_AUDIENCE, TEST_ISSUER


async def open_site(runtime: Any) -> None:
    """合肥市 announced on the bus as the content library would; waited for until the portal knows it."""
    from services.opendata import known_sites
    from shared.events.samples import Feeder, eventually, site

    await runtime.bus.wait_ready()
    await Feeder(runtime.bus).open_site(site(SITE_ID, "合肥市人民政府", "3401000001"))

    async def known() -> bool:
        return await known_sites(runtime.deps) >= 1

    await eventually(known, timeout=60)


def settings_for(args: argparse.Namespace):
    """The embedded deployment's shape, in the run's directory."""
    from services.opendata import OpendataSettings

    data = Path(args.data_dir)
    return OpendataSettings(
        database_url=f"sqlite+aiosqlite:///{data / 'catalogue.db'}",
        datastore_url=f"sqlite:///{data / 'datastore.db'}",
        bus_url="memory://",
        blob_url=f"file://{data / 'blobs'}",
        auth_jwks_url=args.jwks_url,
        auth_issuer=TEST_ISSUER,
        auth_audience=TEST_AUDIENCE,
        max_upload_bytes=2**30,
        log_json=False,
        log_level="WARNING",
    )


def build(settings) -> Any:
    """The portal as create_app makes it, wrapped so the site is known before it listens."""
    from services.opendata import OpendataRuntime, create_app

    app = create_app(settings, access_log=False)
    runtime = OpendataRuntime.of(app)
    return PrepareBeforeListening(app, lambda: open_site(runtime))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The load generator names the port, the directory and the JWKS of the run."""
    parser = argparse.ArgumentParser(prog="python -m bench.opendata.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--data-dir", required=True, help="the catalogue, the datastore and the blobs go here")
    parser.add_argument("--jwks-url", required=True, help="file:// URL of the JWKS the publisher's token is signed by")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Migrate, build and serve until SIGINT."""
    import uvicorn

    from services.opendata import migrate
    from shared.logs import configure_logging
    from shared.web import UVICORN_OPTIONS, FreezeAfterStartup

    args = parse_args(argv)
    configure_logging("WARNING", json=False)
    settings = settings_for(args)
    asyncio.run(migrate(settings))
    uvicorn.run(
        FreezeAfterStartup(build(settings)),
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
