"""The composition root of the identity service (统一身份认证): create_app(settings) builds everything."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from fastapi import FastAPI
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import text

from services.identity.api import PREFIX, identity_router
from services.identity.config import IdentitySettings
from services.identity.service.context import IdentityDeps
from services.identity.service.housekeeping import Housekeeper
from services.identity.service.keys import KeyRingSource
from services.identity.service.secrets import Passwords
from shared.auth import TokenVerifier
from shared.db.engine import create_engine, create_session_factory
from shared.db.migrate import upgrade_database
from shared.web import install_error_handlers, ops_router, wrap_service_app

SERVICE = "identity"
MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version_identity"
TEMPLATES = Path(__file__).parent / "templates"


async def migrate(settings: IdentitySettings) -> None:
    await upgrade_database(settings.database_url, MIGRATIONS, VERSION_TABLE)


class IdentityRuntime:
    def __init__(self, settings: IdentitySettings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.http = httpx.AsyncClient(transport=transport)  # back-channel logout calls to the clients
        self.engine = create_engine(settings.database_url)
        passwords = Passwords(time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib)
        self.deps = IdentityDeps(create_session_factory(self.engine), settings, passwords)
        self.housekeeper = Housekeeper(self.deps, settings.housekeeping_seconds)

    async def load_keys(self) -> None:
        async with self.deps.uow() as uow:
            await self.deps.keys.load(uow.session, keep_retired=self.deps.keep_retired_keys())
            await uow.commit()

    async def start(self) -> None:
        await self.load_keys()

    async def start_workers(self) -> None:
        await self.housekeeper.start()

    async def stop(self) -> None:
        await self.housekeeper.stop()
        await self.http.aclose()
        await self.engine.dispose()

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: FastAPI) -> AsyncIterator[None]:
        await self.start()
        await self.start_workers()
        try:
            yield
        finally:
            await self.stop()

    async def database_ready(self) -> bool:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True


def create_app(
    settings: IdentitySettings | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    access_log: bool = True,
) -> FastAPI:
    """Build the identity service; `transport` carries its outgoing calls (back-channel logout)."""
    settings = settings or IdentitySettings()
    runtime = IdentityRuntime(settings, transport=transport)
    app = FastAPI(
        title="统一身份认证 Identity",
        version="1.0.0",
        lifespan=runtime.lifespan,
        description="OpenID Connect provider of the site group: accounts, site-scoped roles, clients, API keys.",
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.deps = runtime.deps
    app.state.http = runtime.http
    app.state.verifier = TokenVerifier(
        KeyRingSource(runtime.deps.keys), issuer=settings.issuer, audience=settings.resource_audience
    )
    app.state.templates = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), auto_reload=False
    )
    install_error_handlers(app)
    app.include_router(identity_router())
    app.include_router(ops_router({"database": runtime.database_ready}))
    wrap_service_app(app, service=SERVICE, limit_for=lambda _path: 64 * 1024, access_log=access_log)
    return app
