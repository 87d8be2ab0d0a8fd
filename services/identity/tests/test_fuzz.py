"""Schemathesis fuzzes every operation of the identity API's OpenAPI document: no input gets a 5xx, and no status
the document does not list (the OAuth endpoints' own error shape included)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from services.identity import IdentityRuntime, IdentitySettings, create_app, migrate
from services.identity.tests.support import seed_people
from shared.testing import serve_on_port

pytestmark = [pytest.mark.slow, pytest.mark.embedded_only]
ISSUER = "http://127.0.0.1/api/v1/identity"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[str]:
    """The provider on a real HTTP port, with its people and clients."""
    root = tmp_path_factory.mktemp("fuzz")
    provider = IdentitySettings(
        database_url=f"sqlite+aiosqlite:///{root / 'identity.db'}", issuer=ISSUER, log_json=False,
        argon2_time_cost=1, argon2_memory_kib=8192,
    )  # fmt: skip
    asyncio.run(_prepare(provider))
    with serve_on_port(create_app(provider, access_log=False)) as base:
        yield base


async def _prepare(settings: IdentitySettings) -> None:
    await migrate(settings)
    runtime = IdentityRuntime(settings)
    await runtime.start()
    try:
        await seed_people(runtime.deps)
    finally:
        await runtime.stop()


schema = schemathesis.openapi.from_dict(create_app(IdentitySettings(), access_log=False).openapi())
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_provider_fail(case, live_server) -> None:
    case.call_and_validate(base_url=live_server, checks=CHECKS)
