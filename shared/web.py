"""What every service's HTTP app has: the error envelope, request ids, limits, metrics, health, auth."""

from __future__ import annotations

import gc
import os
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import Principal, TokenVerifier
from shared.errors import PayloadTooLarge, ProblemError, Unauthenticated, error_envelope
from shared.logs import correlation_id_var, get_logger, request_id_var
from shared.memory import collect_less_often
from shared.metrics import HTTP_LATENCY, HTTP_REQUESTS, render_metrics

log = get_logger("shared.web")
_ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
ReadinessCheck = Callable[[], Awaitable[bool]]
# How every process runs under uvicorn. The stdlib event loop, not uvloop: at saturation uvloop starves
# newly opened connections (README, design decision 13); the throughput it adds is ~8 % on cached pages.
UVICORN_OPTIONS: dict[str, Any] = {"http": "httptools", "loop": "asyncio", "lifespan": "on"}


class RequestContextMiddleware:
    """Pure ASGI: request/correlation ids in, ids out, one access log line and metrics per request."""

    def __init__(self, app: ASGIApp, *, service: str, access_log: bool = True) -> None:
        self.app = app
        self.service = service
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        # 128 random bits as hex, like uuid4().hex without building a UUID (14 % of a cached page's CPU)
        request_id = _valid_id(headers.get(b"x-request-id")) or os.urandom(16).hex()
        correlation_id = _valid_id(headers.get(b"x-correlation-id")) or request_id
        rid_token, cid_token = request_id_var.set(request_id), correlation_id_var.set(correlation_id)
        status = 500
        start = time.perf_counter()

        async def send_with_ids(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", request_id.encode())]
            await send(message)

        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_ids(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception as exc:
            # Answered here, while the request id is still known; Starlette's last-resort handler is not.
            log.error("unhandled error", error=repr(exc), exc_info=exc)
            if started:
                raise
            message = f"服务器内部错误，请联系管理员并提供请求 ID {request_id}"
            await _send_problem(send_with_ids, ProblemError(message, code="internal_error"), status=500)
        finally:
            self._record(scope, status, time.perf_counter() - start)
            request_id_var.reset(rid_token)
            correlation_id_var.reset(cid_token)

    def _record(self, scope: Scope, status: int, elapsed: float) -> None:
        route = getattr(scope.get("route"), "path", "unmatched")
        HTTP_REQUESTS.labels(self.service, scope["method"], route, str(status)).inc()
        HTTP_LATENCY.labels(self.service, scope["method"], route).observe(elapsed)
        if self.access_log:
            log.info(
                "request",
                service=self.service,
                method=scope["method"],
                path=scope["path"],
                status=status,
                ms=round(elapsed * 1000, 2),
            )


def _valid_id(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    value = raw.decode("latin-1")
    return value if _ID_RE.fullmatch(value) else None


class PlainRoute(Route):
    """A hot route served by Starlette alone, matched before FastAPI's routes.

    FastAPI's request handling (parameter models, dependency solving, the endpoint's wrapper) cost more than
    the answer of an indexed datastore search. The same path stays declared as a FastAPI route, which the
    OpenAPI document describes; this one, placed first, is the one that serves it.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match != Match.NONE:
            child_scope["route"] = self  # the metrics and the access log name the route, as FastAPI's do
        return match, child_scope


def serve_first(app: FastAPI, routes: Sequence[Route]) -> None:
    """Hot routes before every other (see PlainRoute)."""
    app.router.routes[0:0] = list(routes)


class FreezeAfterStartup:
    """Pure ASGI, for serving processes: once the app has started, what it built (apps, templates, the seed)
    leaves the cyclic collector's sight (gc.freeze), so full collections stop walking it (~90 ms pauses
    under load before), and the collector runs less often (shared/memory.py). Not for tests, where apps come
    and go and frozen cycles would never be freed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return

        async def freeze_when_started(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                gc.collect()
                gc.freeze()
                collect_less_often()
            await send(message)

        await self.app(scope, receive, freeze_when_started)


class BodyLimitMiddleware:
    """Pure ASGI: refuse bodies over the limit for their path with 413, before the app reads them."""

    def __init__(self, app: ASGIApp, *, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and not declared.isdigit():
            await _send_problem(send, ProblemError("Content-Length 请求头不是数字", code="bad_request"))
            return
        if declared is not None and int(declared) > limit:
            await _send_problem(send, PayloadTooLarge(f"请求体超过 {limit} 字节的上限"))
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException passes through FastAPI's body parsing unchanged.
                    raise StarletteHTTPException(413, f"请求体超过 {limit} 字节的上限")
            return message

        await self.app(scope, counting_receive, send)


async def _send_problem(send: Send, problem: ProblemError, status: int | None = None) -> None:
    response = JSONResponse(problem.envelope(), status_code=status or problem.status)
    await send({"type": "http.response.start", "status": response.status_code, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


class ModelResponse(Response):
    """A pydantic model serialized once; returned as a Response, FastAPI does not validate it a second time.

    Routes keep `response_model=` for the OpenAPI document.
    """

    media_type = "application/json"

    def render(self, content: BaseModel) -> bytes:
        return content.model_dump_json().encode()


def ops_router(checks: dict[str, ReadinessCheck]) -> APIRouter:
    """/healthz (the process runs), /readyz (its backends answer), /metrics (Prometheus)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        results = {name: await _safe(check) for name, check in checks.items()}
        if all(results.values()):
            return JSONResponse({"status": "ready", "checks": results})
        failing = ", ".join(name for name, ok in results.items() if not ok)
        return JSONResponse(error_envelope("not_ready", f"服务未就绪：{failing}", results), status_code=503)

    @router.get("/metrics")
    async def metrics() -> Response:
        body, content_type = render_metrics()
        return Response(body, media_type=content_type)

    return router


async def _safe(check: ReadinessCheck) -> bool:
    try:
        return bool(await check())
    except Exception:  # a failing check is a no, not a crash
        return False


def wrap_service_app(app: FastAPI, *, service: str, limit_for: Callable[[str], int], access_log: bool) -> None:
    """Add the pure-ASGI middleware stack (outermost first: ids/metrics, then body limits)."""
    app.add_middleware(BodyLimitMiddleware, limit_for=limit_for)
    app.add_middleware(RequestContextMiddleware, service=service, access_log=access_log)


async def current_principal(request: Request) -> Principal:
    """The caller, from `Authorization: Bearer <JWT>`; 401 without a valid token."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("缺少访问令牌（Authorization: Bearer）")
    verifier: TokenVerifier = request.app.state.verifier
    return await verifier.verify(token.strip())


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def openapi_tags(tags: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"name": name, "description": description} for name, description in tags]
