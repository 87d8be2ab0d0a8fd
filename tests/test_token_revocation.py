"""A revoked access token stops working at every service within seconds, not after its ten-minute life: the
provider announces revocations (identity.tokens.revoked.v1) and each service refuses what they name."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client

from services.identity.tests.flows import code_flow, metadata, oauth_client, sign_in_at
from services.identity.tests.support import PORTAL_REDIRECT, seed_people
from tests.test_consolidated import API, bearer, open_hefei

ID = "/api/v1/identity"
RENDER = "/api/v1/render"
WITHIN_SECONDS = 5.0
VERIFIER = "v" * 50  # PKCE code_verifier of the logins by hand


async def refused_everywhere(http: httpx.AsyncClient, token: str) -> None:
    """Until content and render both answer 401 token_revoked (they heard it on the bus)."""
    headers = {"authorization": f"Bearer {token}"}

    async def both() -> None:
        while True:
            answers = [
                await http.get(f"{API}/sites/hefei/documents", headers=headers),
                await http.get(f"{RENDER}/sites/hefei/theme", headers=headers),
            ]
            if all(a.status_code == 401 and a.json()["error"]["code"] == "token_revoked" for a in answers):
                return
            await asyncio.sleep(0.05)

    await asyncio.wait_for(both(), WITHIN_SECONDS)


async def test_a_revoked_access_token_is_refused_by_every_service(http, platform) -> None:
    await open_hefei(http, platform)
    people = await seed_people(platform.identity.deps)
    portal, token, _ = await code_flow(http, people.portal_secret)
    editor = {"authorization": f"Bearer {token['access_token']}"}
    assert (await http.get(f"{API}/sites/hefei/documents", headers=editor)).status_code == 200
    assert (await http.get(f"{RENDER}/sites/hefei/theme", headers=editor)).status_code == 403  # known, not admin
    meta = await metadata(http)
    revoked = await portal.revoke_token(meta["revocation_endpoint"], token=token["access_token"])
    assert revoked.status_code == 200
    await refused_everywhere(http, token["access_token"])
    userinfo = await http.get(f"{ID}/userinfo", headers=editor)
    assert userinfo.status_code == 401


@dataclass
class Login:
    """One sign-in by hand (the browser still open): the code's redirect, its token, the client that got it."""

    client: AsyncOAuth2Client
    browser: httpx.AsyncClient
    location: str
    token: dict
    meta: dict

    async def exchange_again(self) -> dict:
        return await self.client.fetch_token(
            self.meta["token_endpoint"], authorization_response=self.location, code_verifier=VERIFIER
        )


@asynccontextmanager
async def signed_in(http: httpx.AsyncClient, people) -> AsyncIterator[Login]:  # noqa: ANN001
    meta = await metadata(http)
    client = oauth_client(
        http,
        "ah-portal",
        people.portal_secret,
        redirect_uri=PORTAL_REDIRECT,
        scope="openid",
        code_challenge_method="S256",
    )
    url, _ = client.create_authorization_url(meta["authorization_endpoint"], code_verifier=VERIFIER)
    async with httpx.AsyncClient(transport=http._transport, base_url=http.base_url) as browser:
        location = (await sign_in_at(browser, url)).headers["location"]
        login = Login(client, browser, location, {}, meta)
        login.token = await login.exchange_again()
        yield login


async def test_the_access_token_of_a_replayed_code_stops_working(http, platform) -> None:
    await open_hefei(http, platform)
    async with signed_in(http, await seed_people(platform.identity.deps)) as login:
        editor = {"authorization": f"Bearer {login.token['access_token']}"}
        assert (await http.get(f"{API}/sites/hefei/documents", headers=editor)).status_code == 200
        with pytest.raises(OAuthError, match="invalid_grant"):  # the code again: someone else has it
            await login.exchange_again()
    await refused_everywhere(http, login.token["access_token"])


async def test_a_role_taken_away_ends_the_tokens_that_carry_it(http, platform) -> None:
    await open_hefei(http, platform)
    people = await seed_people(platform.identity.deps)
    portal, token, _ = await code_flow(http, people.portal_secret)
    editor = {"authorization": f"Bearer {token['access_token']}"}
    assert (await http.get(f"{API}/sites/hefei/documents", headers=editor)).status_code == 200
    security = bearer(platform, "secadmin", ("*", "security_admin"))
    taken = await http.delete(
        f"{ID}/accounts/{people.editor_id}/grants", params={"site": "hefei", "role": "editor"}, headers=security
    )
    assert taken.status_code == 204, taken.text
    await refused_everywhere(http, token["access_token"])
    meta = await metadata(http)
    await asyncio.sleep(1.01)  # a token of the next second is a new one (iat counts whole seconds)
    fresh = await portal.refresh_token(meta["token_endpoint"], refresh_token=token["refresh_token"])
    again = {"authorization": f"Bearer {fresh['access_token']}"}
    answer = await http.get(f"{API}/sites/hefei/documents", headers=again)
    assert answer.status_code == 403  # accepted as a token, without the role now


async def test_a_logout_ends_the_access_tokens_of_its_session(http, platform) -> None:
    await open_hefei(http, platform)
    async with signed_in(http, await seed_people(platform.identity.deps)) as login:
        editor = {"authorization": f"Bearer {login.token['access_token']}"}
        assert (await http.get(f"{API}/sites/hefei/documents", headers=editor)).status_code == 200
        hint = {"id_token_hint": login.token["id_token"]}
        ended = await login.browser.get(login.meta["end_session_endpoint"], params=hint)
        assert ended.status_code == 200, ended.text[:300]
    await refused_everywhere(http, login.token["access_token"])
