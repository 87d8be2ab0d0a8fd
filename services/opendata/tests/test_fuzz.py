"""Schemathesis fuzzes every operation of the open-data API's OpenAPI document — the portal's own, CKAN's actions
and DCAT — as a platform operator: no input gets a 5xx, and no status the document does not list."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from services.opendata.config import OpendataSettings
from services.opendata.main import OpendataRuntime, create_app, migrate
from services.opendata.tests.support import HEFEI
from shared.events.samples import Feeder
from shared.testing import Tokens, fuzz_settings, serve_on_port

pytestmark = [pytest.mark.slow, pytest.mark.embedded_only]


@pytest.fixture(scope="module")
def fuzz_tokens(tmp_path_factory) -> Tokens:
    return Tokens(tmp_path_factory.mktemp("fuzz-keys"))


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, fuzz_tokens: Tokens) -> Iterator[str]:
    """The portal on a real HTTP port, with 合肥 known (datasets are made by the fuzzer itself)."""
    root = tmp_path_factory.mktemp("fuzz")
    portal = fuzz_settings(OpendataSettings, root, fuzz_tokens, datastore_url=f"sqlite:///{root / 'datastore.db'}")
    asyncio.run(migrate(portal))
    app = create_app(portal, access_log=False)

    async def open_site() -> None:
        await Feeder(OpendataRuntime.of(app).bus).open_site(HEFEI)

    with serve_on_port(app, after_start=open_site) as base:
        yield base


schema = schemathesis.openapi.from_dict(create_app(OpendataSettings(), access_log=False).openapi())
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance]


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_server_fail(case, live_server, fuzz_tokens) -> None:
    operator = fuzz_tokens.bearer("operator", ("*", "platform_operator"))
    case.call_and_validate(base_url=live_server, headers=operator, checks=CHECKS)
