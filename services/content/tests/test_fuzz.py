"""Schemathesis fuzzes every operation of the content API's OpenAPI document: no input gets a 5xx, and no status
the document does not list."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from services.content.config import ContentSettings
from services.content.main import create_app, migrate
from shared.testing import Tokens, fuzz_settings, serve_on_port

pytestmark = [pytest.mark.slow, pytest.mark.embedded_only]


@pytest.fixture(scope="module")
def fuzz_tokens(tmp_path_factory) -> Tokens:
    return Tokens(tmp_path_factory.mktemp("fuzz-keys"))


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, fuzz_tokens: Tokens) -> Iterator[str]:
    """The content service on a real HTTP port, with a site and a document to aim at."""
    root = tmp_path_factory.mktemp("fuzz")
    content = fuzz_settings(ContentSettings, root, fuzz_tokens, scheduler_enabled=False)
    asyncio.run(migrate(content))
    with serve_on_port(create_app(content, access_log=False)) as base:
        _seed(base, fuzz_tokens)
        yield base


def _seed(base: str, tokens: Tokens) -> None:
    operator = tokens.bearer("operator", ("*", "platform_operator"))
    with httpx.Client(base_url=f"{base}/api/v1/content", headers=operator) as http:
        http.post(
            "/sites",
            json={
                "id": "hefei",
                "name": "合肥市人民政府",
                "host_unit": "合肥市人民政府办公室",
                "site_code": "3401000001",
                "org_code": "003254560",
                "level": "province",
                "main_domain": "www.hefei.gov.cn",
                "status": "online",
            },
        ).raise_for_status()
        channel = http.get("/sites/hefei/channels").json()[0]["id"]
        http.post(
            "/sites/hefei/documents",
            json={"channel_id": channel, "title": "模糊测试用的稿件", "body_html": "<p>正文</p>"},
        ).raise_for_status()


# The OpenAPI document does not depend on settings; the app object is built without starting anything.
schema = schemathesis.openapi.from_dict(create_app(ContentSettings(), access_log=False).openapi())


# No 5xx, and every status answered is one the document lists for the operation.
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance]


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_server_fail(case, live_server, fuzz_tokens) -> None:
    operator = fuzz_tokens.bearer("operator", ("*", "platform_operator"))
    case.call_and_validate(base_url=live_server, headers=operator, checks=CHECKS)
