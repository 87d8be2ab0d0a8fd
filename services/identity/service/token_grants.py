"""The token endpoint's grants: authorization code (+PKCE), refresh with rotation, client credentials."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import unquote

from services.identity.models import Client, LoginSession, RefreshToken
from services.identity.service.context import IdentityDeps, IdentityUnitOfWork
from services.identity.service.errors import OAuthError
from services.identity.service.revocations import announce_revocation
from services.identity.service.secrets import digest, new_secret, pkce_matches, same_digest
from services.identity.service.sessions import acr_for
from services.identity.service.tokens import access_token, grants_claim, id_token, user_access_token


async def authenticate_client(
    uow: IdentityUnitOfWork, deps: IdentityDeps, form: dict[str, str], authorization: str | None
) -> Client:
    """client_secret_basic, client_secret_post, or none for public clients (RFC 6749 §2.3)."""
    client_id, secret = form.get("client_id"), form.get("client_secret")
    if authorization and authorization.lower().startswith("basic "):
        try:
            raw = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            raise OAuthError("invalid_client", "malformed Basic credentials", 401) from None
        user, _, password = raw.partition(":")
        client_id, secret = unquote(user), unquote(password)
    client = await deps.clients.get(uow, client_id or "")
    if client is None or client.disabled:
        raise OAuthError("invalid_client", "unknown client", 401)
    if client.public:
        if secret:
            raise OAuthError("invalid_client", "a public client has no secret", 401)
        return client
    if not secret or not client.secret_hash or not same_digest(client.secret_hash, secret):
        raise OAuthError("invalid_client", "client authentication failed", 401)
    return client


async def exchange_code(uow: IdentityUnitOfWork, deps: IdentityDeps, client: Client, form: dict[str, str]):
    code = await uow.repo.code(digest(form.get("code", "")))
    if code is None or code.client_id != client.id or code.expires_at <= deps.now():
        raise OAuthError("invalid_grant", "authorization code is invalid or expired")
    if code.used_at is not None:  # replayed: whatever it gave is revoked (RFC 6749 §4.1.2)
        if code.family_id:
            await uow.repo.revoke_family(code.family_id, deps.now())
            announce_revocation(uow, deps, "family", code.family_id)  # the access token it gave too
        raise OAuthError("invalid_grant", "authorization code was already used")
    if form.get("redirect_uri") != code.redirect_uri:
        raise OAuthError("invalid_grant", "redirect_uri does not match the authorization request")
    if code.code_challenge is not None and not pkce_matches(form.get("code_verifier", ""), code.code_challenge):
        raise OAuthError("invalid_grant", "PKCE code_verifier does not match the code_challenge")
    if code.code_challenge is None and form.get("code_verifier"):
        raise OAuthError("invalid_grant", "code_verifier sent but no code_challenge was")
    session = await uow.repo.login_session_by_id(code.session_id)
    if session is None or session.ended_at is not None:
        raise OAuthError("invalid_grant", "the login behind this code has ended")
    code.used_at = deps.now()
    response, family = await _user_tokens(uow, deps, client, session, code.scope, nonce=code.nonce, family=None)
    code.family_id = family
    return response


async def refresh(uow: IdentityUnitOfWork, deps: IdentityDeps, client: Client, form: dict[str, str]):
    """Rotation: the presented token is used up and a new one of the same family comes back. Three plain
    statements (the hottest grant: every signed-in page of every site refreshes every few minutes)."""
    token_hash = digest(form.get("refresh_token", ""))
    rows = await uow.repo.refresh_context(token_hash)
    token = rows[0] if rows else None
    if token is None or token.client_id != client.id:
        raise OAuthError("invalid_grant", "refresh token is invalid")
    now = deps.now()
    if token.used_at is not None and token.revoked_at is None:
        await _reuse_detected(uow, deps, token, client, now)
    if token.revoked_at is not None or token.expires_at <= now:
        raise OAuthError("invalid_grant", "refresh token is revoked or expired")
    if token.session_ended_at is not None or token.disabled:
        raise OAuthError("invalid_grant", "the login or the account behind this token has ended")
    scope = _narrowed(token.scope, form.get("scope"))
    if not await uow.repo.mark_used(token_hash, now):  # a concurrent request used it a moment before
        await _reuse_detected(uow, deps, token, client, now)
    grants = grants_claim([row for row in rows if row.role is not None])
    auth_time = int(token.auth_time.timestamp()) if token.auth_time else None
    access, lifetime = access_token(
        deps,
        subject=token.account_id,
        client_id=client.id,
        scope=scope,
        grants=grants,
        name=token.account_name,
        acr=acr_for(token.assurance),
        auth_time=auth_time,
        sid=token.session_id,
        fam=token.family_id,
    )
    fresh = new_secret()
    await uow.repo.add_refresh_token(
        token_hash=digest(fresh),
        family_id=token.family_id,
        client_id=client.id,
        account_id=token.account_id,
        session_id=token.session_id,
        scope=scope,
        issued_at=now,
        expires_at=token.expires_at,
    )
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": lifetime,
        "scope": scope,
        "refresh_token": fresh,
    }


async def _reuse_detected(uow: IdentityUnitOfWork, deps: IdentityDeps, token, client: Client, now) -> None:  # noqa: ANN001
    """A rotated token presented again: assume it was stolen and end the whole family."""
    await uow.repo.revoke_family(token.family_id, now)
    announce_revocation(uow, deps, "family", token.family_id)
    uow.audit(token.account_id, "token.reuse_detected", target=client.id, detail=f"family {token.family_id}")
    raise OAuthError("invalid_grant", "refresh token was already used; its family is revoked")


def _narrowed(granted: str, asked: str | None) -> str:
    if not asked:
        return granted
    if not set(asked.split()) <= set(granted.split()):
        raise OAuthError("invalid_scope", "a refresh may only narrow the granted scope")
    return asked


async def _user_tokens(
    uow: IdentityUnitOfWork,
    deps: IdentityDeps,
    client: Client,
    session: LoginSession | None,
    scope: str,
    *,
    nonce: str | None,
    family: str | None,
    account_id: str | None = None,
    expires_at=None,
) -> tuple[dict[str, Any], str | None]:
    account = await uow.repo.account(account_id or session.account_id)  # type: ignore[union-attr]
    if account is None or account.disabled:
        raise OAuthError("invalid_grant", "the account is disabled")
    grants = await uow.repo.grants_of(account.id)
    # Every grant is a family, refresh token or not: a replayed code revokes the access token it gave by it.
    named = family or new_secret(16)
    access, lifetime = user_access_token(deps, account, grants, session, client.id, scope, family=named)
    response: dict[str, Any] = {"access_token": access, "token_type": "Bearer", "expires_in": lifetime, "scope": scope}
    if "openid" in scope.split() and session is not None and family is None:
        response["id_token"] = id_token(deps, account, session, client_id=client.id, nonce=nonce, access=access)
    if "offline_access" in scope.split() or family is not None:
        refresh_token = new_secret()
        uow.session.add(
            RefreshToken(
                token_hash=digest(refresh_token),
                family_id=named,
                client_id=client.id,
                account_id=account.id,
                session_id=session.id if session else None,
                scope=scope,
                expires_at=expires_at or deps.after(deps.settings.refresh_token_seconds),
            )
        )
        response["refresh_token"] = refresh_token
    return response, named


def client_credentials(deps: IdentityDeps, client: Client, form: dict[str, str]) -> dict[str, Any]:
    """A service acting as itself: its token carries the roles an operator gave the client."""
    if client.public:
        raise OAuthError("unauthorized_client", "public clients cannot use client_credentials")
    scope = form.get("scope") or " ".join(s for s in client.scopes if s != "openid")
    if not set(scope.split()) <= set(client.scopes) or "openid" in scope.split():
        raise OAuthError("invalid_scope", "scope not allowed for this client")
    access, lifetime = access_token(
        deps, subject=f"client:{client.id}", client_id=client.id, scope=scope, grants=client.service_grants
    )
    return {"access_token": access, "token_type": "Bearer", "expires_in": lifetime, "scope": scope}


GRANTS = ("authorization_code", "refresh_token", "client_credentials")


async def token_endpoint(deps: IdentityDeps, form: dict[str, str], authorization: str | None) -> dict[str, Any]:
    grant_type = form.get("grant_type", "")
    if grant_type not in GRANTS:
        raise OAuthError("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
    async with deps.uow() as uow:
        client = await authenticate_client(uow, deps, form, authorization)
        if grant_type not in client.grant_types:
            raise OAuthError("unauthorized_client", f"this client may not use {grant_type}")
        try:
            if grant_type == "authorization_code":
                response = await exchange_code(uow, deps, client, form)
            elif grant_type == "refresh_token":
                response = await refresh(uow, deps, client, form)
            else:
                response = client_credentials(deps, client, form)
        except OAuthError:
            await uow.commit()  # a detected replay revokes the family even though this request fails
            raise
        await uow.commit()
    return response
