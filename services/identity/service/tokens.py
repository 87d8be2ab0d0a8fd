"""What the provider signs: RFC 9068 access tokens with the `grants` claim, and OIDC ID tokens."""

from __future__ import annotations

import uuid
from typing import Any

from services.identity.models import Account, LoginSession, RoleGrant
from services.identity.service.context import IdentityDeps
from services.identity.service.secrets import half_hash
from services.identity.service.sessions import acr_of


def grants_claim(grants: list[RoleGrant]) -> list[dict[str, Any]]:
    """The same shape shared.auth.Grant reads: site, role, channels (only when narrowed)."""
    claim = []
    for g in grants:
        item: dict[str, Any] = {"site": g.site_id, "role": g.role}
        if g.channels is not None:
            item["channels"] = list(g.channels)
        claim.append(item)
    return claim


def access_token(
    deps: IdentityDeps,
    *,
    subject: str,
    client_id: str,
    scope: str,
    grants: list[dict[str, Any]],
    issued_at: int | None = None,
    lifetime: int | None = None,
    **extra: Any,
) -> tuple[str, int]:
    """A signed access token and its lifetime in seconds (issued_at/lifetime: development tokens, tests)."""
    now = int(deps.now().timestamp()) if issued_at is None else issued_at
    lifetime = lifetime or deps.settings.access_token_seconds
    claims = {
        "iss": deps.settings.issuer,
        "aud": deps.settings.resource_audience,
        "sub": subject,
        "client_id": client_id,
        "scope": scope,
        "grants": grants,
        "iat": now,
        "nbf": now,
        "exp": now + lifetime,
        "jti": uuid.uuid4().hex,
        **{k: v for k, v in extra.items() if v is not None},
    }
    return deps.keys.sign(claims, typ="at+jwt"), lifetime


def user_access_token(
    deps: IdentityDeps,
    account: Account,
    grants: list[RoleGrant],
    session: LoginSession | None,
    client_id: str,
    scope: str,
    *,
    family: str | None = None,
) -> tuple[str, int]:
    return access_token(
        deps,
        subject=account.id,
        client_id=client_id,
        scope=scope,
        grants=grants_claim(grants),
        name=account.name,
        acr=acr_of(account),
        auth_time=int(session.auth_time.timestamp()) if session else None,
        sid=session.id if session else None,
        fam=family,  # the grant it came from: revoked with it (a replayed code, a stolen refresh token)
    )


def id_token(
    deps: IdentityDeps, account: Account, session: LoginSession, *, client_id: str, nonce: str | None, access: str
) -> str:
    now = int(deps.now().timestamp())
    claims = {
        "iss": deps.settings.issuer,
        "aud": client_id,
        "sub": account.id,
        "iat": now,
        "exp": now + deps.settings.id_token_seconds,
        "auth_time": int(session.auth_time.timestamp()),
        "acr": session.acr,
        "amr": session.amr,
        "sid": session.id,
        "at_hash": half_hash(access),
        "name": account.name,
    }
    if nonce:
        claims["nonce"] = nonce
    return deps.keys.sign(claims, typ="JWT")


def userinfo_claims(account: Account, scope: set[str]) -> dict[str, Any]:
    """Standard claims released by scope (OIDC Core §5.4)."""
    claims: dict[str, Any] = {"sub": account.id, "acr": acr_of(account)}
    if "profile" in scope:
        claims |= {"name": account.name, "preferred_username": account.username, "account_kind": account.kind}
        if account.credit_code:
            claims["credit_code"] = account.credit_code
    if "email" in scope and account.email:
        claims |= {"email": account.email, "email_verified": account.assurance >= 2}
    if "phone" in scope and account.phone:
        claims |= {"phone_number": account.phone, "phone_number_verified": account.assurance >= 2}
    return claims
