"""Every protected endpoint of the provider, tried with no token, an expired token, a token signed by an
unknown key, a token for another site and a role one step short: all refused (401 / 403), nothing changed."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from services.identity.main import IdentityRuntime
from services.identity.models import ApiKey, AuditRecord, Client, RoleGrant, SigningKey, SitePolicy
from services.identity.service.tokens import access_token
from services.identity.tests.support import ISSUER, PASSWORD

# (method, path, body, the grants one step short of what the endpoint needs)
ENDPOINTS = [
    ("POST", "/accounts", {"username": "zhaolei", "password": PASSWORD, "name": "赵磊"}, [("hefei", "editor")]),
    ("POST", "/accounts/{editor}/grants", {"site": "hefei", "role": "site_admin"}, [("hefei", "site_admin")]),
    ("DELETE", "/accounts/{editor}/grants?site=hefei&role=editor", None, [("hefei", "reviewer:审发")]),
    ("GET", "/accounts/{editor}/grants", None, [("*", "auditor")]),
    ("PUT", "/sites/hefei/policy", {"totp_required": True}, [("*", "system_admin")]),
    ("DELETE", "/accounts/{editor}/totp", None, [("*", "system_admin")]),
    ("POST", "/clients", {"client_id": "evil-portal", "name": "x", "redirect_uris": []}, [("*", "security_admin")]),
    ("POST", "/keys/rotate", None, [("*", "security_admin")]),
    ("GET", "/audit", None, [("*", "security_admin")]),
    ("GET", "/audit.csv", None, [("*", "system_admin")]),
    ("POST", "/me/agents", {"username": "zhangwei"}, [("*", "platform_operator")]),
    ("POST", "/apps", {"name": "越权应用"}, [("*", "platform_operator")]),
]
KIND_CHECKED = {"/me/agents", "/apps"}  # refused for the kind of account (forbidden), not for a role (needs_role)
OTHER_SITE = {  # the same role, on the wrong site
    "/accounts/{editor}/grants": [("wuhu", "site_admin")],
    "/accounts/{editor}/grants?site=hefei&role=editor": [("wuhu", "site_admin")],
}


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def tokens_for(app, short: list[tuple[str, str]], path: str) -> dict[str, dict[str, str]]:
    deps = IdentityRuntime.of(app).deps
    grants = [{"site": s, "role": r} for s, r in short]
    now = int(time.time())
    stranger = RSAKey.generate_key(2048, parameters={"kid": "stranger"})
    claims = {
        "iss": ISSUER,
        "aud": "sitegroup",
        "sub": "u-mallory",
        "iat": now,
        "exp": now + 300,
        "grants": [{"site": "*", "role": "security_admin"}, {"site": "*", "role": "auditor"}],
    }
    cases = {
        "no token": {},
        "expired": bearer(
            access_token(
                deps,
                subject="u-mallory",
                client_id="c",
                scope="openid",
                grants=claims["grants"],
                issued_at=now - 7200,
                lifetime=600,
            )[0]
        ),
        "unknown key": bearer(jwt.encode({"alg": "RS256", "kid": "stranger", "typ": "at+jwt"}, claims, stranger)),
        "one role short": bearer(
            access_token(deps, subject="u-short", client_id="c", scope="openid", grants=grants)[0]
        ),
    }
    if path in OTHER_SITE:
        other = [{"site": s, "role": r} for s, r in OTHER_SITE[path]]
        cases["another site"] = bearer(
            access_token(deps, subject="u-wuhu", client_id="c", scope="openid", grants=other)[0]
        )
    return cases


async def state(app) -> tuple[int, ...]:
    async with IdentityRuntime.of(app).deps.uow() as uow:
        counts = []
        for model in (AuditRecord, RoleGrant, Client, SitePolicy, ApiKey, SigningKey):
            counts.append(await uow.session.scalar(select(func.count()).select_from(model)))
        return (*counts, len(IdentityRuntime.of(app).deps.keys.published))


@pytest.mark.parametrize(("method", "path", "body", "short"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
async def test_every_protected_endpoint_refuses_and_changes_nothing(
    app, idp, people, method, path, body, short
) -> None:
    url = f"{ISSUER}{path.format(editor=people.editor_id)}"
    before = await state(app)
    for case, headers in tokens_for(app, short, path).items():
        answer = await idp.request(method, url, headers=headers, json=body)
        expected = 401 if case in ("no token", "expired", "unknown key") else 403
        assert answer.status_code == expected, (case, answer.text)
        refused = "forbidden" if path in KIND_CHECKED else "needs_role"
        assert answer.json()["error"]["code"] == ("unauthenticated" if expected == 401 else refused)
    assert await state(app) == before
