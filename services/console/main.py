"""The composition root of the staff console: create_app(settings) builds everything, nothing before."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from services.console import vendor
from services.console.api import auth, home
from services.console.api.deps import ElsewhereHost, FormRefused, SignInNeeded, sign_in_url
from services.console.api.rendering import ConsolePages, pages_of
from services.console.config import ConsoleSettings
from services.console.registry import discover
from services.console.service.context import ConsoleDeps
from services.console.service.id_tokens import ProviderTokens
from services.console.service.platform_api import ApiError, PlatformApi
from shared.auth import JwksSource, TokenVerifier
from shared.db.migrate import Schema
from shared.runtime import ServiceRuntime

SCHEMA = Schema("console", Path(__file__).parent / "migrations")
STATIC = Path(__file__).parent / "static"


async def migrate(settings: ConsoleSettings) -> None:
    await SCHEMA.upgrade(settings.database_url)


class ConsoleRuntime(ServiceRuntime):
    """Sessions in its own database; every read and action through the platform's APIs."""

    name = "console"

    def __init__(self, settings: ConsoleSettings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(settings)
        keys = JwksSource(settings.auth_jwks_url)
        self.api = PlatformApi(settings.api_url, timeout=settings.api_timeout_seconds, transport=transport)
        self.deps = ConsoleDeps(
            self.database,
            settings,
            self.api,
            ProviderTokens(keys, issuer=settings.auth_issuer, client_id=settings.client_id),
            TokenVerifier(keys, issuer=settings.auth_issuer, audience=settings.auth_audience),
            rich_text=vendor.present(),
        )

    async def close(self) -> None:
        await self.api.close()


def create_app(
    settings: ConsoleSettings | None = None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    access_log: bool = True,
) -> FastAPI:
    """Build the console; `transport` carries its API calls (the consolidated process: in-process)."""
    settings = settings or ConsoleSettings()
    runtime = ConsoleRuntime(settings, transport=transport)
    sections = discover()
    app = runtime.app(
        title="工作台 Staff console",
        description="The web console of editors, reviewers, site admins, operators and auditors.",
        prefix="/console",
        routers=[auth.router, home.router, *(section.router for section in sections)],
        limit_for=_body_limit,
        access_log=access_log,
        deps=runtime.deps,
        pages=ConsolePages(sections),
    )
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")
    _install_page_errors(app)
    return app


def _body_limit(path: str) -> int:
    """Forms are small; the document form carries files (the content library takes up to 50 MB each)."""
    return 200 * 1024 * 1024 if path.endswith(("/new", "/edit")) else 1024 * 1024


def _install_page_errors(app: FastAPI) -> None:
    """The console answers people with pages, not the APIs' JSON envelope."""

    @app.exception_handler(SignInNeeded)
    async def on_sign_in(_request: Request, exc: SignInNeeded) -> Response:
        return RedirectResponse(sign_in_url(exc.return_to, fresh=exc.fresh), status_code=303)

    @app.exception_handler(ElsewhereHost)
    async def on_elsewhere(_request: Request, exc: ElsewhereHost) -> Response:
        return RedirectResponse(exc.url, status_code=308)

    @app.exception_handler(FormRefused)
    async def on_form(request: Request, exc: FormRefused) -> Response:
        return _error_page(request, 403, "表单未处理", str(exc))

    @app.exception_handler(ApiError)
    async def on_api(request: Request, exc: ApiError) -> Response:
        status = exc.status if 400 <= exc.status < 600 else 502
        return pages_of(request).render(
            request, "error.html", None, status=status, title="操作未完成", message=exc.message
        )

    @app.exception_handler(HTTPException)
    async def on_http(request: Request, exc: HTTPException) -> Response:
        message = "页面不存在" if exc.status_code == 404 else str(exc.detail)
        return pages_of(request).render(
            request, "error.html", None, status=exc.status_code, title="出错了", message=message
        )

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        where = "、".join(dict.fromkeys(str(e["loc"][-1]) for e in exc.errors()))
        return pages_of(request).render(
            request, "error.html", None, status=400, title="地址有误", message=f"参数有误：{where}"
        )


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    return pages_of(request).render(request, "error.html", None, status=status, title=title, message=message)
