"""Driving the provider as a browser and as real OAuth clients (authlib) do."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client

from services.identity.tests.support import PASSWORD, PORTAL_REDIRECT

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def oauth_client(idp: httpx.AsyncClient, client_id: str, secret: str | None = None, **kwargs: Any) -> AsyncOAuth2Client:
    """authlib's client, talking to the provider in-process."""
    return AsyncOAuth2Client(
        client_id=client_id, client_secret=secret, transport=idp._transport, base_url=str(idp.base_url), **kwargs
    )


async def metadata(idp: httpx.AsyncClient) -> dict[str, Any]:
    response = await idp.get("/api/v1/identity/.well-known/openid-configuration")
    assert response.status_code == 200
    return response.json()


async def sign_in_at(
    browser: httpx.AsyncClient, url: str, username: str = "zhangwei", password: str = PASSWORD, otp: str | None = None
) -> httpx.Response:
    """Open the authorization URL, fill in the login form, follow to the redirect back to the client."""
    page = await browser.get(url)
    assert page.status_code == 200 and "用户登录" in page.text, page.text[:300]
    form = {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}
    form |= {"username": username, "password": password} | ({"otp": otp} if otp else {})
    answer = await browser.post("/api/v1/identity/login", data=form)
    if answer.status_code != 303:
        return answer
    return await browser.get(answer.headers["location"])


async def code_flow(
    idp: httpx.AsyncClient, secret: str, *, scope: str = "openid profile email offline_access", **sign_in: Any
) -> tuple[AsyncOAuth2Client, dict[str, Any], str]:
    """The whole authorization-code + PKCE login of the portal; its client, token and the nonce sent."""
    meta = await metadata(idp)
    client = oauth_client(
        idp, "ah-portal", secret, redirect_uri=PORTAL_REDIRECT, scope=scope, code_challenge_method="S256"
    )
    verifier, nonce = generate_token(48), generate_token(20)
    url, state = client.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    async with httpx.AsyncClient(transport=idp._transport, base_url=idp.base_url) as browser:
        back = await sign_in_at(browser, url, **sign_in)
    assert back.status_code == 302, back.text[:300]
    location = back.headers["location"]
    assert location.startswith(PORTAL_REDIRECT) and f"state={state}" in location
    token = await client.fetch_token(
        meta["token_endpoint"], authorization_response=location, code_verifier=verifier, state=state
    )
    return client, dict(token), nonce
