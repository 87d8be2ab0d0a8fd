"""What resource servers and clients ask of issued tokens: introspection, revocation, userinfo."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from joserfc.errors import JoseError

from services.identity.models import Client, RevokedToken
from services.identity.service.context import IdentityDeps
from services.identity.service.errors import OAuthError
from services.identity.service.revocations import announce_revocation
from services.identity.service.secrets import digest
from services.identity.service.token_grants import authenticate_client
from services.identity.service.tokens import userinfo_claims
from shared.auth.revocations import TokenIds
from shared.errors import Unauthenticated


def _access_claims(deps: IdentityDeps, token: str) -> dict[str, Any] | None:
    """Claims of a valid, unexpired access token this provider signed; None otherwise."""
    try:
        decoded = deps.keys.decode(token)
    except (JoseError, ValueError):
        return None
    claims = decoded.claims
    if decoded.header.get("typ") != "at+jwt" or claims.get("iss") != deps.settings.issuer:
        return None
    return claims if claims.get("exp", 0) > deps.now().timestamp() else None


async def _revoked(uow, deps: IdentityDeps, claims: dict[str, Any]) -> bool:  # noqa: ANN001
    """Listed by jti here, or named by a revocation this process heard (family, session, person)."""
    return deps.revocations.revoked(TokenIds.of(claims)) is not None or await uow.repo.is_revoked(claims["jti"])


async def introspect(deps: IdentityDeps, form: dict[str, str], authorization: str | None) -> dict[str, Any]:
    """RFC 7662: only confidential clients, authenticated with their secret, ask (a public client's id is no
    secret: anyone could name it); anything not currently valid is just `active: false`."""
    async with deps.uow() as uow:
        client = await authenticate_client(uow, deps, form, authorization)
        if client.public:
            raise OAuthError("invalid_client", "introspection is for confidential clients only", 401)
        token = form.get("token", "")
        claims = _access_claims(deps, token)
        if claims is not None and not await _revoked(uow, deps, claims):
            keep = ("sub", "client_id", "scope", "exp", "iat", "nbf", "iss", "aud", "jti", "acr", "grants")
            return {"active": True, "token_type": "Bearer"} | {k: claims[k] for k in keep if k in claims}
        refresh = await uow.repo.refresh_token(digest(token))
        if refresh is None or refresh.used_at or refresh.revoked_at or refresh.expires_at <= deps.now():
            return {"active": False}
        return {
            "active": True,
            "token_type": "refresh_token",
            "sub": refresh.account_id,
            "client_id": refresh.client_id,
            "scope": refresh.scope,
            "exp": int(refresh.expires_at.timestamp()),
            "iss": deps.settings.issuer,
        }


async def revoke(deps: IdentityDeps, form: dict[str, str], authorization: str | None) -> None:
    """RFC 7009: a refresh token takes its family with it; an access token is listed until it expires."""
    async with deps.uow() as uow:
        client: Client = await authenticate_client(uow, deps, form, authorization)
        token = form.get("token", "")
        refresh = await uow.repo.refresh_token(digest(token))
        if refresh is not None and refresh.client_id == client.id:
            await uow.repo.revoke_family(refresh.family_id, deps.now())
            announce_revocation(uow, deps, "family", refresh.family_id)  # its access tokens go with it
            uow.audit(client.id, "token.revoked", target=refresh.account_id, detail="refresh token family")
        claims = _access_claims(deps, token)
        if claims is not None and claims.get("client_id") == client.id and not await uow.repo.is_revoked(claims["jti"]):
            expires = datetime.fromtimestamp(claims["exp"], UTC)
            uow.session.add(RevokedToken(jti=claims["jti"], expires_at=expires))
            announce_revocation(uow, deps, "token", claims["jti"], expires_at=expires)
            uow.audit(client.id, "token.revoked", target=claims.get("sub"), detail="access token")
        await uow.commit()  # unknown or foreign tokens: 200 all the same (§2.2), nothing changed


async def userinfo(deps: IdentityDeps, bearer: str | None) -> dict[str, Any]:
    claims = _access_claims(deps, bearer or "")
    if claims is None or "openid" not in str(claims.get("scope", "")).split():
        raise Unauthenticated("需要包含 openid 范围（scope）的有效访问令牌")
    async with deps.uow() as uow:
        if await _revoked(uow, deps, claims):
            raise Unauthenticated("访问令牌已被撤销，请重新登录", code="token_revoked")
        account = await uow.repo.account(claims["sub"])
        if account is None or account.disabled:
            raise Unauthenticated("该账号已不存在")
        info = userinfo_claims(account, set(claims["scope"].split()))
        if account.kind == "citizen" and "profile" in claims["scope"].split():
            represented = await uow.repo.represented_by(account.id)
            if represented:  # the legal persons this person may act for (经办人)
                info["represents"] = [{"sub": a.id, "name": a.name, "credit_code": a.credit_code} for a in represented]
        return info
