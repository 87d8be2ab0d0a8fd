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
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from shared.auth import Grant
from shared.auth.keys import LocalSigner
from shared.bus import Message, create_bus
from shared.bus.kafka import KafkaBus
from shared.config import ServiceSettings
from shared.db.migrate import Schema
from shared.events.envelope import CloudEvent, parse_envelope

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

    async def template(self, schema: Schema) -> str:
        service = schema.service
        if service not in self._templates:
            if self.backends.database_url is None:
                path = self.workdir / f"template-{service}.db"
                url = f"sqlite+aiosqlite:///{path}"
            else:
                name = f"sgtpl_{service}_{uuid.uuid4().hex[:8]}"
                await self._admin(f'CREATE DATABASE "{name}"')
                url = make_url(self.backends.database_url).set(database=name).render_as_string(hide_password=False)
            await schema.upgrade(url)
            self._templates[service] = url
        return self._templates[service]

    async def fresh(self, schema: Schema) -> str:
        """A database of the service's schema at head, of the test's own."""
        template = await self.template(schema)
        service = schema.service
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


class EventLog:
    """Collects published events; tests wait for the ones they expect."""

    def __init__(self) -> None:
        self.items: list[CloudEvent] = []
        self._changed = asyncio.Condition()

    async def handle(self, message: Message) -> None:
        async with self._changed:
            self.items.append(parse_envelope(message.value))
            self._changed.notify_all()

    def of_type(self, event_type: str, subject: str | None = None) -> list[CloudEvent]:
        return [e for e in self.items if e.type == event_type and (subject is None or e.subject == subject)]

    def distinct(self, event_type: str, subject: str | None = None) -> list[CloudEvent]:
        """Each event once: delivery is at least once, and a redelivered event keeps its id."""
        first: dict[str, CloudEvent] = {}
        for event in self.of_type(event_type, subject):
            first.setdefault(event.id, event)
        return list(first.values())

    async def wait_for(
        self, event_type: str, subject: str | None = None, *, count: int = 1, timeout: float = 10.0
    ) -> list[CloudEvent]:
        async def enough() -> list[CloudEvent]:
            async with self._changed:
                while len(found := self.distinct(event_type, subject)) < count:
                    await self._changed.wait()
                return found

        return await asyncio.wait_for(enough(), timeout)


S = TypeVar("S", bound=ServiceSettings)


@contextlib.asynccontextmanager
async def service_settings(
    settings_class: type[S],
    schema: Schema,
    *,
    backends: Backends,
    databases: TestDatabases,
    tokens: Tokens,
    blobs_dir: Path,
    **overrides: Any,
) -> AsyncIterator[S]:
    """A service's settings for one test: a fresh database of its schema, a Kafka namespace of its own (or the
    in-process bus), the selected blob store, tokens the test signs; both dropped when the test ends."""
    url = await databases.fresh(schema)
    namespace = f"t{uuid.uuid4().hex[:10]}"
    try:
        yield settings_class(
            database_url=url,
            bus_url=backends.bus_url_for(namespace),
            blob_url=backends.blob_url or f"file://{blobs_dir}",
            auth_jwks_url=tokens.jwks_url,
            auth_issuer=TEST_ISSUER,
            auth_audience=TEST_AUDIENCE,
            log_json=False,
            **overrides,
        )
    finally:
        await databases.drop(url)
        await backends.drop_namespace(namespace)


def fuzz_settings(settings_class: type[S], root: Path, tokens: Tokens, **overrides: Any) -> S:
    """A service's settings for a fuzzing server: an SQLite file and blobs under `root`, the tests' tokens."""
    return settings_class(
        database_url=f"sqlite+aiosqlite:///{root / 'service.db'}",
        blob_url=f"file://{root / 'blobs'}",
        auth_jwks_url=tokens.jwks_url,
        auth_issuer=TEST_ISSUER,
        auth_audience=TEST_AUDIENCE,
        log_json=False,
        **overrides,
    )


@contextlib.contextmanager
def serve_on_port(app: Any, *, after_start: Callable[[], Awaitable[None]] | None = None) -> Iterator[str]:
    """The app served by uvicorn on a free port in a thread of its own (for clients that need a real socket,
    such as schemathesis); `after_start` runs inside the server's loop once it listens. Yields the base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="on"))
    ready = threading.Event()

    async def serve() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn offers no event for this
            await asyncio.sleep(0.02)
        if after_start is not None and server.started:
            await after_start()
        ready.set()
        await task

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    if not ready.wait(30) or not server.started:
        raise RuntimeError("the server under test did not start")
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)


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
