"""Schemathesis fuzzes every operation of the render API's OpenAPI document: no input gets a 5xx."""

from __future__ import annotations

import asyncio
import threading

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings

from services.render.config import RenderSettings
from services.render.main import create_app, migrate
from services.render.tests.support import Feeder, site
from shared.testing import TEST_AUDIENCE, TEST_ISSUER, Tokens

pytestmark = [pytest.mark.slow, pytest.mark.embedded_only]


@pytest.fixture(scope="module")
def fuzz_tokens(tmp_path_factory) -> Tokens:
    return Tokens(tmp_path_factory.mktemp("fuzz-keys"))


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, fuzz_tokens: Tokens):
    """The render service on a real HTTP port, with one site to aim at."""
    root = tmp_path_factory.mktemp("fuzz")
    render = RenderSettings(
        database_url=f"sqlite+aiosqlite:///{root / 'render.db'}",
        blob_url=f"file://{root / 'blobs'}",
        auth_jwks_url=fuzz_tokens.jwks_url,
        auth_issuer=TEST_ISSUER,
        auth_audience=TEST_AUDIENCE,
        log_json=False,
    )
    asyncio.run(migrate(render))
    app = create_app(render, access_log=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="on"))
    ready = threading.Event()
    thread = threading.Thread(target=asyncio.run, args=(serve(server, app, ready),), daemon=True)
    thread.start()
    assert ready.wait(20), "the render service did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


async def serve(server: uvicorn.Server, app, ready: threading.Event) -> None:
    """Serve, and once up feed one site's events onto the service's bus (from inside its loop)."""
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event for this
        await asyncio.sleep(0.02)
    await Feeder(app.state.runtime.bus).open_site(site("hefei", "合肥市人民政府", "3401000001"))
    ready.set()
    await task


schema = schemathesis.openapi.from_dict(create_app(RenderSettings(), access_log=False).openapi())


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_server_fail(case, live_server, fuzz_tokens) -> None:
    operator = fuzz_tokens.bearer("operator", ("*", "platform_operator"))
    case.call_and_validate(base_url=live_server, headers=operator, checks=[schemathesis.checks.not_a_server_error])
