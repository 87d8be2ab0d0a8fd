"""The provider against real client libraries: discovery, code + PKCE, refresh rotation, client credentials,
introspection, revocation, userinfo — and the refusals that keep them safe."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.integrations.base_client import OAuthError as ClientOAuthError
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc import jwt
from joserfc.jwk import KeySet

from services.identity.main import IdentityRuntime
from services.identity.service.secrets import half_hash
from services.identity.service.tokens import access_token
from services.identity.tests.flows import code_flow, metadata, oauth_client, sign_in_at
from services.identity.tests.support import APP_REDIRECT, ISSUER, PORTAL_REDIRECT


async def test_discovery_passes_authlibs_provider_metadata_validation(idp) -> None:
    meta = await metadata(idp)
    OpenIDProviderMetadata(meta).validate()
    AuthorizationServerMetadata(meta).validate()
    assert meta["issuer"] == ISSUER and meta["code_challenge_methods_supported"] == ["S256"]
    jwks = (await idp.get("/api/v1/identity/jwks")).json()
    assert len(jwks["keys"]) == 2 and all("d" not in k for k in jwks["keys"])  # active + next, public halves


async def test_code_flow_with_pkce_gives_verifiable_tokens(idp, people) -> None:
    client, token, nonce = await code_flow(idp, people.portal_secret)
    keys = KeySet.import_key_set((await idp.get("/api/v1/identity/jwks")).json())
    id_token = jwt.decode(token["id_token"], keys)
    claims = id_token.claims
    assert claims["iss"] == ISSUER and claims["aud"] == "ah-portal" and claims["sub"] == people.editor_id
    assert claims["nonce"] == nonce and claims["at_hash"] == half_hash(token["access_token"])
    assert claims["name"] == "张伟" and claims["amr"] == ["pwd"] and claims["acr"] == "urn:sitegroup:loa:1"
    access = jwt.decode(token["access_token"], keys)
    assert access.header["typ"] == "at+jwt"
    assert access.claims["grants"] == [{"site": "hefei", "role": "editor"}]
    info = await client.get(f"{ISSUER}/userinfo")
    assert info.status_code == 200
    assert info.json() | {} == {
        "sub": people.editor_id,
        "acr": "urn:sitegroup:loa:1",
        "name": "张伟",
        "preferred_username": "zhangwei",
        "account_kind": "staff",
        "email": "zhangwei@hefei.gov.cn",
        "email_verified": False,
    }


async def test_refresh_rotates_and_reuse_revokes_the_family(idp, people) -> None:
    client, first, _ = await code_flow(idp, people.portal_secret)
    meta = await metadata(idp)
    second = await client.refresh_token(meta["token_endpoint"], refresh_token=first["refresh_token"])
    assert second["refresh_token"] != first["refresh_token"] and "id_token" not in second
    keys = KeySet.import_key_set((await idp.get(f"{ISSUER}/jwks")).json())
    refreshed = jwt.decode(second["access_token"], keys).claims  # the account's grants, read afresh
    assert refreshed["grants"] == [{"site": "hefei", "role": "editor"}] and refreshed["sub"] == people.editor_id
    with pytest.raises(ClientOAuthError, match="invalid_grant"):  # the old one again: theft assumed
        await client.refresh_token(meta["token_endpoint"], refresh_token=first["refresh_token"])
    with pytest.raises(ClientOAuthError, match="invalid_grant"):  # and the family is gone with it
        await client.refresh_token(meta["token_endpoint"], refresh_token=second["refresh_token"])


async def test_client_credentials_introspection_and_revocation(idp, people) -> None:
    meta = await metadata(idp)
    service = oauth_client(idp, "search-indexer", people.service_secret, scope="content.read")
    token = await service.fetch_token(meta["token_endpoint"], grant_type="client_credentials")
    assert token["scope"] == "content.read"
    portal, user_token, _ = await code_flow(idp, people.portal_secret)
    seen = (await portal.introspect_token(meta["introspection_endpoint"], token=token["access_token"])).json()
    assert (
        seen["active"]
        and seen["sub"] == "client:search-indexer"
        and seen["grants"] == [{"site": "*", "role": "reader"}]
    )
    refresh = (await portal.introspect_token(meta["introspection_endpoint"], token=user_token["refresh_token"])).json()
    assert refresh["active"] and refresh["token_type"] == "refresh_token"
    assert (await portal.revoke_token(meta["revocation_endpoint"], token=user_token["access_token"])).status_code == 200
    assert (
        await portal.revoke_token(meta["revocation_endpoint"], token=user_token["refresh_token"])
    ).status_code == 200
    for revoked in (user_token["access_token"], user_token["refresh_token"], "not-a-token"):
        answer = await portal.introspect_token(meta["introspection_endpoint"], token=revoked)
        assert answer.json() == {"active": False}
    assert (await portal.get(f"{ISSUER}/userinfo")).status_code == 401


async def test_a_public_client_must_use_pkce_and_gets_no_secret_path(idp, people) -> None:
    meta = await metadata(idp)
    app = oauth_client(idp, "zwfw-app", redirect_uri=APP_REDIRECT, scope="openid profile")
    url, state = app.create_authorization_url(meta["authorization_endpoint"])  # no code_challenge
    answer = await idp.get(url)
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["error"] == ["invalid_request"] and query["state"] == [state] and query["iss"] == [ISSUER]


@pytest.mark.parametrize(
    "redirect_uri", ["https://evil.example.com/cb", PORTAL_REDIRECT + "/../x", PORTAL_REDIRECT + "x"]
)
async def test_an_unregistered_redirect_uri_is_never_redirected_to(idp, people, redirect_uri) -> None:
    query = {"client_id": "ah-portal", "redirect_uri": redirect_uri, "response_type": "code", "scope": "openid"}
    answer = await idp.get(f"{ISSUER}/authorize", params=query)
    assert answer.status_code == 400 and "location" not in answer.headers
    assert "回调地址" in answer.text


async def test_a_code_works_once_and_its_replay_revokes_what_it_gave(idp, people) -> None:
    meta = await metadata(idp)
    client = oauth_client(
        idp,
        "ah-portal",
        people.portal_secret,
        redirect_uri=PORTAL_REDIRECT,
        scope="openid offline_access",
        code_challenge_method="S256",
    )
    verifier = "v" * 50
    url, _state = client.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier)
    async with httpx.AsyncClient(transport=idp._transport, base_url=idp.base_url) as browser:
        location = (await sign_in_at(browser, url)).headers["location"]
    with pytest.raises(ClientOAuthError, match="invalid_grant"):
        await client.fetch_token(meta["token_endpoint"], authorization_response=location, code_verifier="w" * 50)
    token = await client.fetch_token(meta["token_endpoint"], authorization_response=location, code_verifier=verifier)
    with pytest.raises(ClientOAuthError, match="invalid_grant"):
        await client.fetch_token(meta["token_endpoint"], authorization_response=location, code_verifier=verifier)
    seen = await client.introspect_token(meta["introspection_endpoint"], token=token["refresh_token"])
    assert seen.json() == {"active": False}
    access = await client.introspect_token(meta["introspection_endpoint"], token=token["access_token"])
    assert access.json() == {"active": False}  # the access token the code gave is revoked with its family


async def test_only_an_authenticated_confidential_client_introspects(idp, people) -> None:
    _, token, _ = await code_flow(idp, people.portal_secret)
    anonymous = {"token": token["access_token"], "client_id": "zwfw-app"}  # a public client's id is no secret
    answer = await idp.post(f"{ISSUER}/introspect", data=anonymous)
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    assert "sub" not in answer.json()
    unknown = await idp.post(f"{ISSUER}/introspect", data={"token": token["access_token"]})
    assert unknown.status_code == 401
    wrong = await idp.post(f"{ISSUER}/introspect", data={"token": token["access_token"]}, auth=("ah-portal", "x"))
    assert wrong.status_code == 401
    right = await idp.post(
        f"{ISSUER}/introspect", data={"token": token["access_token"]}, auth=("ah-portal", people.portal_secret)
    )
    assert right.status_code == 200 and right.json()["active"] is True


async def test_token_endpoint_errors_follow_rfc_6749(idp, people) -> None:
    cases = [
        ({"grant_type": "password", "username": "zhangwei"}, None, 400, "unsupported_grant_type"),
        ({"grant_type": "client_credentials"}, ("ah-portal", "wrong"), 401, "invalid_client"),
        ({"grant_type": "client_credentials"}, ("ah-portal", people.portal_secret), 400, "unauthorized_client"),
        (
            {"grant_type": "authorization_code", "code": "nope", "redirect_uri": PORTAL_REDIRECT},
            ("ah-portal", people.portal_secret),
            400,
            "invalid_grant",
        ),
    ]
    for form, auth, status, error in cases:
        answer = await idp.post(f"{ISSUER}/token", data=form, auth=auth)
        assert (answer.status_code, answer.json()["error"]) == (status, error), form
        assert answer.headers["cache-control"] == "no-store"


async def test_key_rotation_signs_with_the_published_next_key_and_old_tokens_still_verify(app, idp, people) -> None:
    before = {k["kid"] for k in (await idp.get(f"{ISSUER}/jwks")).json()["keys"]}
    old, _ = access_token(IdentityRuntime.of(app).deps, subject="u-1", client_id="ah-portal", scope="openid", grants=[])
    system, _ = access_token(
        IdentityRuntime.of(app).deps,
        subject="u-sys",
        client_id="console",
        scope="openid",
        grants=[{"site": "*", "role": "system_admin"}],
    )
    old_kid = unverified_kid(old)
    rotated = await idp.post(f"{ISSUER}/keys/rotate", headers={"authorization": f"Bearer {system}"})
    assert rotated.status_code == 200
    new_kid = rotated.json()["active_kid"]
    assert new_kid in before and new_kid != old_kid  # it was published before it signed anything
    after = {k["kid"] for k in (await idp.get(f"{ISSUER}/jwks")).json()["keys"]}
    assert before < after and len(after) == 3  # the retired key stays, a new next key appears
    fresh, _ = access_token(
        IdentityRuntime.of(app).deps, subject="u-1", client_id="ah-portal", scope="openid", grants=[]
    )
    assert unverified_kid(fresh) == new_kid
    keys = KeySet.import_key_set((await idp.get(f"{ISSUER}/jwks")).json())
    assert jwt.decode(old, keys).claims["sub"] == jwt.decode(fresh, keys).claims["sub"] == "u-1"
    security, _ = access_token(
        IdentityRuntime.of(app).deps,
        subject="u-sec",
        client_id="console",
        scope="openid",
        grants=[{"site": "*", "role": "security_admin"}],
    )
    refused = await idp.post(f"{ISSUER}/keys/rotate", headers={"authorization": f"Bearer {security}"})
    assert refused.status_code == 403


def unverified_kid(token: str) -> str:
    header = token.split(".", 1)[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


async def test_the_token_endpoint_takes_only_form_bodies_without_repeats(idp, people) -> None:
    auth = ("search-indexer", people.service_secret)
    as_json = await idp.post(f"{ISSUER}/token", json={"grant_type": "client_credentials"}, auth=auth)
    assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"
    repeated = await idp.post(
        f"{ISSUER}/token",
        content="grant_type=client_credentials&scope=a&scope=b",
        headers={"content-type": "application/x-www-form-urlencoded"},
        auth=auth,
    )
    assert repeated.status_code == 400 and "scope" in repeated.json()["error_description"]
    fine = await idp.post(f"{ISSUER}/token", data={"grant_type": "client_credentials"}, auth=auth)
    assert fine.status_code == 200 and fine.json()["token_type"] == "Bearer"
