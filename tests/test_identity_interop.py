"""authlib's OAuth 2.0 client against the provider running as its own process over real HTTP (`sitegroup serve
identity`): discovery, code + PKCE, refresh rotation, client credentials, introspection, revocation."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from authlib.integrations.base_client import OAuthError as ClientOAuthError
from authlib.oidc.discovery import OpenIDProviderMetadata

from services.identity import IdentityRuntime, IdentitySettings, migrate
from services.identity.tests.flows import code_flow, metadata, oauth_client
from services.identity.tests.support import People, seed_people
from tests.processes import free_port, sitegroup_command, stop, wait_ready

pytestmark = pytest.mark.embedded_only  # the provider's own process runs on its SQLite file


@pytest.fixture
def provider_process(tmp_path: Path) -> Iterator[tuple[int, People]]:
    """`sitegroup serve identity` on a free port, its database migrated and seeded beforehand."""
    port = free_port()
    issuer = f"http://127.0.0.1:{port}/api/v1/identity"
    database = f"sqlite+aiosqlite:///{tmp_path / 'identity.db'}"
    people = asyncio.run(_prepare(IdentitySettings(database_url=database, issuer=issuer, log_json=False)))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SITEGROUP_", "IDENTITY_", "SG_TEST_"))}
    env |= {
        "IDENTITY_DATABASE_URL": database,
        "IDENTITY_ISSUER": issuer,
        "IDENTITY_LOG_LEVEL": "WARNING",
        "SITEGROUP_DATA_DIR": str(tmp_path / "var"),
    }
    with (tmp_path / "identity.log").open("wb") as log:
        process = subprocess.Popen(
            [sitegroup_command(), "serve", "identity", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        wait_ready(f"http://127.0.0.1:{port}/readyz", process, tmp_path / "identity.log", 60)
        yield port, people
    finally:
        stop(process)


async def _prepare(settings: IdentitySettings) -> People:
    await migrate(settings)
    runtime = IdentityRuntime(settings)
    await runtime.start()
    try:
        return await seed_people(runtime.deps)
    finally:
        await runtime.stop()


@pytest_asyncio.fixture
async def provider(provider_process) -> AsyncIterator[tuple[httpx.AsyncClient, People]]:
    port, people = provider_process
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        yield http, people


async def test_authlib_runs_every_flow_against_the_provider_over_http(provider) -> None:
    http, people = provider
    meta = await metadata(http)
    OpenIDProviderMetadata(meta).validate()
    portal, token, _ = await code_flow(http, people.portal_secret)
    assert {"access_token", "id_token", "refresh_token"} <= set(token)
    rotated = await portal.refresh_token(meta["token_endpoint"], refresh_token=token["refresh_token"])
    assert rotated["refresh_token"] != token["refresh_token"]
    userinfo = await portal.get(meta["userinfo_endpoint"])  # with the access token of the rotation
    assert userinfo.status_code == 200 and userinfo.json()["name"] == "张伟"
    with pytest.raises(ClientOAuthError, match="invalid_grant"):
        await portal.refresh_token(meta["token_endpoint"], refresh_token=token["refresh_token"])
    # a reused refresh token ends its whole family (RFC 9700 §4.14), the rotation's access token too
    assert (await portal.get(meta["userinfo_endpoint"])).status_code == 401
    service = oauth_client(http, "search-indexer", people.service_secret, scope="content.read")
    service_token = await service.fetch_token(meta["token_endpoint"], grant_type="client_credentials")
    seen = (await portal.introspect_token(meta["introspection_endpoint"], token=service_token["access_token"])).json()
    assert seen["active"] and seen["client_id"] == "search-indexer"
    assert (
        await service.revoke_token(meta["revocation_endpoint"], token=service_token["access_token"])
    ).status_code == 200
    gone = await portal.introspect_token(meta["introspection_endpoint"], token=service_token["access_token"])
    assert gone.json() == {"active": False}
