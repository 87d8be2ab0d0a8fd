"""The HTTP plumbing every service shares: one error envelope, request ids, body limits, ops routes, bearer auth."""

from __future__ import annotations

import gc
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from structlog.testing import capture_logs

from shared.auth import Grant, JwksSource, TokenVerifier
from shared.auth.keys import LocalSigner
from shared.error_handlers import install_error_handlers
from shared.errors import Conflict, Forbidden
from shared.logs import correlation_id_var, request_id_var
from shared.memory import GC_THRESHOLDS
from shared.web import CurrentPrincipal, FreezeAfterStartup, ops_router, wrap_service_app

# No database, broker or bucket involved: nothing to repeat on the real servers.
pytestmark = pytest.mark.embedded_only

ISSUER, AUDIENCE = "https://id.test.sitegroup", "sitegroup"
LIMIT, UPLOAD_LIMIT = 1024, 8192


class DocumentIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    channel_id: int


def build_app(signer: LocalSigner, jwks: Path, ready: dict[str, bool | Exception]) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.state.verifier = TokenVerifier(JwksSource(f"file://{jwks}"), issuer=ISSUER, audience=AUDIENCE)
    app.state.handled = 0

    @app.post("/documents", status_code=201)
    async def create(document: DocumentIn, request: Request) -> dict:
        request.app.state.handled += 1
        return {"title": document.title}

    @app.get("/documents/{document_id}")
    async def read(document_id: int) -> dict:
        return {"id": document_id, "request_id": request_id_var.get(), "correlation_id": correlation_id_var.get()}

    @app.post("/upload")
    async def upload(request: Request) -> dict:
        return {"size": len(await request.body())}

    @app.get("/conflict")
    async def conflict() -> dict:
        raise Conflict("栏目路径已存在", details={"path": "zwdt/tzgg"})

    @app.get("/boom")
    async def boom() -> dict:
        raise RuntimeError("数据库密码是 hunter2")

    @app.get("/deadlock/{sqlstate}")
    async def deadlock(sqlstate: str) -> dict:
        failure = type("PostgresError", (Exception,), {"sqlstate": sqlstate})("deadlock detected")
        raise DBAPIError("UPDATE documents SET …", {}, failure)

    @app.get("/me")
    async def me(principal: CurrentPrincipal) -> dict:
        if not principal.has_role("hefei", "editor"):
            raise Forbidden("需要编辑权限")
        return {"subject": principal.subject, "name": principal.name}

    async def check(name: str) -> bool:
        outcome = ready[name]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    app.include_router(ops_router({name: (lambda name=name: check(name)) for name in ready}))
    wrap_service_app(
        app,
        service="shared-tests",
        limit_for=lambda path: UPLOAD_LIMIT if path == "/upload" else LIMIT,
        access_log=False,
    )
    return app


@pytest.fixture(scope="module")
def signer() -> LocalSigner:
    return LocalSigner.generate(issuer=ISSUER, audience=AUDIENCE)


@pytest.fixture
def ready() -> dict[str, bool | Exception]:
    return {"database": True, "bus": True}


@pytest.fixture
async def client(signer: LocalSigner, tmp_path: Path, ready) -> AsyncIterator[httpx.AsyncClient]:
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(signer.jwks()))
    app = build_app(signer, jwks, ready)
    # raise_app_exceptions=False: see the 500 a real server would send instead of the re-raised error.
    transport = httpx.ASGITransport(app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        http.app = app
        yield http


def envelope(response: httpx.Response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]


def chunks(total: int, size: int = 500):
    async def generate():
        sent = 0
        while sent < total:
            yield b"x" * min(size, total - sent)
            sent += size

    return generate()


# --- errors -------------------------------------------------------------------------------------------------


async def test_validation_errors_name_each_field(client) -> None:
    response = await client.post("/documents", json={"title": "", "channel_id": "十二"})
    assert response.status_code == 422
    error = envelope(response)
    assert error["code"] == "invalid_input"
    assert [d["field"] for d in error["details"]] == ["body.title", "body.channel_id"]
    assert "body.title" in error["message"] and "body.channel_id" in error["message"]
    missing = envelope(await client.post("/documents", json={"title": "通知"}))
    assert missing["details"][0]["field"] == "body.channel_id" and missing["details"][0]["type"] == "missing"
    path = envelope(await client.get("/documents/abc"))
    assert path["details"][0]["field"] == "path.document_id"
    truncated = '{"title": "通知",'.encode()
    broken = await client.post("/documents", content=truncated, headers={"content-type": "application/json"})
    assert broken.status_code == 422
    [detail] = envelope(broken)["details"]
    assert detail["field"] == "body" and "JSON 格式有误" in detail["message"]
    assert client.app.state.handled == 0


async def test_unknown_routes_and_methods_get_the_envelope(client) -> None:
    missing = await client.get("/nowhere")
    assert missing.status_code == 404 and envelope(missing)["code"] == "not_found"
    wrong_method = await client.delete("/documents")
    assert wrong_method.status_code == 405 and envelope(wrong_method)["code"] == "method_not_allowed"


async def test_problem_errors_keep_their_status_code_and_details(client) -> None:
    response = await client.get("/conflict")
    assert response.status_code == 409
    assert envelope(response) == {"code": "conflict", "message": "栏目路径已存在", "details": {"path": "zwdt/tzgg"}}


async def test_an_unhandled_error_is_a_500_envelope_without_internals(client) -> None:
    with capture_logs() as logs:  # (also keeps the default renderer from printing a traceback)
        response = await client.get("/boom")
    assert response.status_code == 500
    [logged] = [entry for entry in logs if entry["event"] == "unhandled error"]
    assert logged["log_level"] == "error" and "hunter2" in logged["error"]  # the details go to the log only
    error = envelope(response)
    assert error["code"] == "internal_error"
    assert error["message"].startswith("服务器内部错误，请联系管理员并提供请求 ID")
    assert "hunter2" not in response.text and "Traceback" not in response.text and "RuntimeError" not in response.text


async def test_transactions_aborted_for_each_other_ask_to_retry_and_other_database_errors_are_500(client) -> None:
    for sqlstate in ("40P01", "40001"):  # deadlock detected, serialization failure
        response = await client.get(f"/deadlock/{sqlstate}")
        assert response.status_code == 409 and envelope(response)["code"] == "concurrent_change"
        assert response.headers["retry-after"] == "1" and "请重试" in envelope(response)["message"]
    with capture_logs():
        assert (await client.get("/deadlock/23505")).status_code == 500


async def test_an_unhandled_error_quotes_the_request_id(client) -> None:
    with capture_logs():
        response = await client.get("/boom", headers={"x-request-id": "req-boom-1"})
    assert response.headers.get("x-request-id") == "req-boom-1"
    assert "req-boom-1" in envelope(response)["message"]


# --- request ids ----------------------------------------------------------------------------------------------


async def test_request_ids_are_echoed_generated_or_replaced(client) -> None:
    given = await client.get("/documents/7", headers={"x-request-id": "gw-2026.11:abc_1-x"})
    assert given.headers["x-request-id"] == "gw-2026.11:abc_1-x"
    assert given.json() == {"id": 7, "request_id": "gw-2026.11:abc_1-x", "correlation_id": "gw-2026.11:abc_1-x"}

    generated = await client.get("/documents/7")
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["x-request-id"])
    assert generated.json()["request_id"] == generated.headers["x-request-id"]

    for bad in ("has space", "x" * 65, "semi;colon", "<script>"):
        replaced = await client.get("/documents/7", headers={"x-request-id": bad})
        assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["x-request-id"]), bad

    correlated = await client.get("/documents/7", headers={"x-request-id": "r1", "x-correlation-id": "flow-9"})
    assert correlated.json()["correlation_id"] == "flow-9"
    assert request_id_var.get() is None and correlation_id_var.get() is None  # nothing leaks out of a request

    for response in (await client.get("/nowhere"), await client.post("/documents", json={})):
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


# --- body limits ------------------------------------------------------------------------------------------------


async def test_a_declared_body_over_the_limit_is_refused_before_the_app_reads_it(client) -> None:
    big = {"title": "通" * 600, "channel_id": 1}
    response = await client.post("/documents", json=big)
    assert response.status_code == 413
    assert envelope(response)["code"] == "payload_too_large" and str(LIMIT) in envelope(response)["message"]
    assert "x-request-id" in response.headers and client.app.state.handled == 0
    fits = await client.post("/upload", content=b"x" * 5000)  # the limit is per path
    assert fits.status_code == 200 and fits.json() == {"size": 5000}
    assert (await client.post("/upload", content=b"x" * (UPLOAD_LIMIT + 1))).status_code == 413


async def test_a_streamed_body_over_the_limit_is_refused(client) -> None:
    json_endpoint = await client.post("/documents", content=chunks(3000), headers={"content-type": "application/json"})
    assert json_endpoint.status_code == 413 and envelope(json_endpoint)["code"] == "payload_too_large"
    raw_endpoint = await client.post("/upload", content=chunks(UPLOAD_LIMIT + 500))
    assert raw_endpoint.status_code == 413 and envelope(raw_endpoint)["code"] == "payload_too_large"
    under = await client.post("/upload", content=chunks(UPLOAD_LIMIT))
    assert under.status_code == 200 and under.json() == {"size": UPLOAD_LIMIT}
    assert client.app.state.handled == 0


# --- ops --------------------------------------------------------------------------------------------------------


async def test_health_readiness_and_metrics(client, ready) -> None:
    health = await client.get("/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert (await client.get("/readyz")).json() == {"status": "ready", "checks": {"database": True, "bus": True}}

    ready["bus"] = False
    ready["database"] = ConnectionRefusedError("127.0.0.1:5432")
    not_ready = await client.get("/readyz")
    assert not_ready.status_code == 503
    error = envelope(not_ready)
    assert error["code"] == "not_ready" and error["message"] == "服务未就绪：database, bus"
    assert error["details"] == {"database": False, "bus": False}

    await client.get("/documents/42")
    await client.get("/nowhere/at/all")
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert re.search(
        r'sitegroup_http_requests_total\{method="GET",route="/documents/\{document_id\}",'
        r'service="shared-tests",status="200"\} [1-9]',
        text,
    )
    assert 'route="unmatched",service="shared-tests",status="404"' in text
    assert "/documents/42" not in text and "/nowhere/at/all" not in text  # routes, not raw paths: bounded labels
    assert 'sitegroup_http_request_seconds_bucket{le="0.005",method="GET",route="/healthz"' in text


# --- bearer tokens ------------------------------------------------------------------------------------------


async def test_missing_or_invalid_bearer_tokens_get_401_with_www_authenticate(client, signer) -> None:
    other = LocalSigner.generate(issuer=ISSUER, audience=AUDIENCE)
    for headers in (
        {},
        {"authorization": "Basic dXNlcjpwYXNz"},
        {"authorization": "Bearer "},
        {"authorization": "Bearer not.a.token"},
        {"authorization": f"Bearer {other.mint('u')}"},
        {"authorization": f"Bearer {signer.mint('u', lifetime=-120)}"},
    ):
        response = await client.get("/me", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"
        assert envelope(response)["code"] == "unauthenticated"


async def test_a_valid_bearer_token_reaches_the_route(client, signer) -> None:
    token = signer.mint("u-7", [Grant(site="hefei", role="editor")], name="李四")
    response = await client.get("/me", headers={"authorization": f"bearer {token}"})
    assert response.status_code == 200 and response.json() == {"subject": "u-7", "name": "李四"}
    forbidden = await client.get("/me", headers={"authorization": f"Bearer {signer.mint('u-8')}"})
    assert forbidden.status_code == 403 and "www-authenticate" not in forbidden.headers
    assert envelope(forbidden) == {"code": "forbidden", "message": "需要编辑权限", "details": None}


async def test_serving_processes_freeze_what_startup_built_and_collect_less_often() -> None:
    started: list[int] = []

    async def app(scope, receive, send) -> None:  # noqa: ANN001 - a bare ASGI app with a lifespan
        await receive()
        await send({"type": "lifespan.startup.complete"})
        started.append(gc.get_freeze_count())

    messages = iter([{"type": "lifespan.startup"}])
    sent: list[dict] = []

    async def receive() -> dict:
        return next(messages)

    async def send(message: dict) -> None:
        sent.append(message)

    gc.unfreeze()
    thresholds = gc.get_threshold()
    try:
        await FreezeAfterStartup(app)({"type": "lifespan"}, receive, send)
        assert sent == [{"type": "lifespan.startup.complete"}] and started[0] > 0
        assert gc.get_threshold() == GC_THRESHOLDS != thresholds  # and the collector runs less often
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
