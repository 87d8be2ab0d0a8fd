"""Schemathesis fuzzes every operation of the search API's OpenAPI document: no input gets a 5xx, and no status
the document does not list."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from services.search.config import SearchSettings
from services.search.main import SearchRuntime, create_app, migrate
from services.search.tests.support import HEFEI, TZGG
from shared.events.samples import Feeder
from shared.testing import Tokens, fuzz_settings, serve_on_port

pytestmark = [pytest.mark.slow, pytest.mark.embedded_only]


@pytest.fixture(scope="module")
def fuzz_tokens(tmp_path_factory) -> Tokens:
    return Tokens(tmp_path_factory.mktemp("fuzz-keys"))


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, fuzz_tokens: Tokens) -> Iterator[str]:
    """The search service on a real HTTP port, with one site and one document to aim at."""
    root = tmp_path_factory.mktemp("fuzz")
    search = fuzz_settings(SearchSettings, root, fuzz_tokens, index_dir=root / "index")
    asyncio.run(migrate(search))
    app = create_app(search, access_log=False)

    async def open_site() -> None:  # fed onto the service's bus from inside its loop, once it listens
        feeder = Feeder(SearchRuntime.of(app).bus)
        channels = await feeder.open_site(HEFEI)
        await feeder.publish(feeder.document(HEFEI, (channels[TZGG], TZGG), "关于优化营商环境的若干措施"))

    with serve_on_port(app, after_start=open_site) as base:
        yield base


schema = schemathesis.openapi.from_dict(create_app(SearchSettings(), access_log=False).openapi())
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance]


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_server_fail(case, live_server, fuzz_tokens) -> None:
    operator = fuzz_tokens.bearer("operator", ("*", "platform_operator"))
    case.call_and_validate(base_url=live_server, headers=operator, checks=CHECKS)
