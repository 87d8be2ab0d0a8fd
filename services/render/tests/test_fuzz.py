"""Schemathesis fuzzes every operation of the render API's OpenAPI document: no input gets a 5xx, and no status
the document does not list."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from services.render.config import RenderSettings
from services.render.main import RenderRuntime, create_app, migrate
from services.render.tests.support import Feeder, site
from shared.testing import Tokens, fuzz_settings, serve_on_port

pytestmark = [pytest.mark.slow, pytest.mark.embedded_only]


@pytest.fixture(scope="module")
def fuzz_tokens(tmp_path_factory) -> Tokens:
    return Tokens(tmp_path_factory.mktemp("fuzz-keys"))


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, fuzz_tokens: Tokens) -> Iterator[str]:
    """The render service on a real HTTP port, with one site to aim at."""
    render = fuzz_settings(RenderSettings, tmp_path_factory.mktemp("fuzz"), fuzz_tokens)
    asyncio.run(migrate(render))
    app = create_app(render, access_log=False)

    async def open_site() -> None:  # fed onto the service's bus from inside its loop, once it listens
        await Feeder(RenderRuntime.of(app).bus).open_site(site("hefei", "合肥市人民政府", "3401000001"))

    with serve_on_port(app, after_start=open_site) as base:
        yield base


schema = schemathesis.openapi.from_dict(create_app(RenderSettings(), access_log=False).openapi())


# No 5xx, and every status answered is one the document lists for the operation.
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance]


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_server_fail(case, live_server, fuzz_tokens) -> None:
    operator = fuzz_tokens.bearer("operator", ("*", "platform_operator"))
    case.call_and_validate(base_url=live_server, headers=operator, checks=CHECKS)
