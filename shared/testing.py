"""Test support shared by every service's tests: which backends to run against, fresh databases,
signed tokens, and an in-process client for an app with its lifespan running.

The same tests run on the embedded backends (default) and on the real servers when the
SG_TEST_DATABASE_URL / SG_TEST_BUS_URL / SG_TEST_BLOB_URL variables name them
(scripts/backends/up.sh writes them to var/backends/env).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from shared.auth import Grant
from shared.auth.keys import LocalSigner
from shared.bus import create_bus
from shared.bus.kafka import KafkaBus
from shared.db.migrate import upgrade_database

TEST_ISSUER = "https://id.test.sitegroup"
TEST_AUDIENCE = "sitegroup"


@dataclass(frozen=True, slots=True)
class Backends:
    """Where the tests' databases, bus and blobs live; None means the embedded one."""

    database_url: str | None
    bus_url: str | None
    blob_url: str | None
    kafka_ctl: str | None

    @classmethod
    def from_env(cls) -> Backends:
        return cls(
            os.environ.get("SG_TEST_DATABASE_URL") or None,
            os.environ.get("SG_TEST_BUS_URL") or None,
            os.environ.get("SG_TEST_BLOB_URL") or None,
            os.environ.get("SG_TEST_KAFKA_CTL") or None,
        )

    @property
    def label(self) -> str:
        parts = [
            "postgresql" if self.database_url else "sqlite",
            "kafka" if self.bus_url else "memory-bus",
            "s3" if self.blob_url else "local-blobs",
        ]
        return "+".join(parts)

    def bus_url_for(self, namespace: str) -> str:
        """A Kafka namespace per test keeps tests from seeing each other's events."""
        if self.bus_url is None:
            return "memory://"
        return f"{self.bus_url}{'&' if '?' in self.bus_url else '?'}namespace={namespace}"

    async def drop_namespace(self, namespace: str) -> None:
        """Delete a test's topics: a broker kept across runs would otherwise collect thousands
        of partitions (and run out of file descriptors)."""
        if self.bus_url is None:
            return
        bus = create_bus(self.bus_url_for(namespace), client_id="sitegroup-tests")
        assert isinstance(bus, KafkaBus)
        await bus.drop_namespace()


class TestDatabases:
    """A migrated template per service, copied for each test (a file copy, or CREATE DATABASE … TEMPLATE)."""

    __test__ = False  # a helper, not a test class (pytest collects Test* names a test module imports)

    def __init__(self, backends: Backends, workdir: Path) -> None:
        self.backends = backends
        self.workdir = workdir
        self._templates: dict[str, str] = {}

    async def template(self, service: str, migrations: Path, version_table: str) -> str:
        if service not in self._templates:
            if self.backends.database_url is None:
                path = self.workdir / f"template-{service}.db"
                url = f"sqlite+aiosqlite:///{path}"
            else:
                name = f"sgtpl_{service}_{uuid.uuid4().hex[:8]}"
                await self._admin(f'CREATE DATABASE "{name}"')
                url = make_url(self.backends.database_url).set(database=name).render_as_string(hide_password=False)
            await upgrade_database(url, migrations, version_table)
            self._templates[service] = url
        return self._templates[service]

    async def fresh(self, service: str, migrations: Path, version_table: str) -> str:
        template = await self.template(service, migrations, version_table)
        if self.backends.database_url is None:
            source = Path(make_url(template).database)
            target = self.workdir / f"{service}-{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(source, target)
            return f"sqlite+aiosqlite:///{target}"
        name = f"sgt_{service}_{uuid.uuid4().hex[:10]}"
        await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"')
        return make_url(self.backends.database_url).set(database=name).render_as_string(hide_password=False)

    async def drop(self, url: str) -> None:
        if make_url(url).get_backend_name() == "postgresql":
            await self._admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    async def drop_templates(self) -> None:
        for url in self._templates.values():
            await self.drop(url)

    async def _admin(self, statement: str) -> None:
        engine = create_async_engine(self.backends.database_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                await conn.execute(text(statement))
        finally:
            await engine.dispose()


class Tokens:
    """A signing key the services under test trust, minting tokens for any grants."""

    def __init__(self, directory: Path) -> None:
        self.signer = LocalSigner.generate(issuer=TEST_ISSUER, audience=TEST_AUDIENCE)
        directory.mkdir(parents=True, exist_ok=True)
        self.jwks_path = directory / "jwks.json"
        self.jwks_path.write_text(json.dumps(self.signer.jwks()))

    @property
    def jwks_url(self) -> str:
        return f"file://{self.jwks_path}"

    def bearer(self, subject: str, *grants: tuple[str, str] | Grant, **claims: object) -> dict[str, str]:
        """Authorization header for `subject` with grants given as (site, role) pairs or Grant objects."""
        made = [g if isinstance(g, Grant) else Grant(site=g[0], role=g[1]) for g in grants]
        return {"authorization": f"Bearer {self.signer.mint(subject, made, name=subject, **claims)}"}


@contextlib.asynccontextmanager
async def running(app) -> AsyncIterator[httpx.AsyncClient]:  # noqa: ANN001 - any ASGI app with a lifespan
    """The app with its lifespan started, and a client that talks to it in-process."""
    watchdog: asyncio.Task | None = None
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app, raise_app_exceptions=False)  # 500s are answered, as in production
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                try:
                    yield client
                finally:
                    watchdog = asyncio.get_running_loop().create_task(_bark_if_stuck("app shutdown"))
    finally:
        if watchdog is not None:
            watchdog.cancel()


async def _bark_if_stuck(what: str, after: float = 30.0) -> None:
    """A hang in shutdown prints every task's stack instead of staying silent."""
    await asyncio.sleep(after)
    print(f"\n--- {what} still running after {after:.0f}s; its tasks:", file=sys.stderr)
    for task in asyncio.all_tasks():
        task.print_stack(file=sys.stderr)
