"""Logging out everywhere: RP-initiated logout ends the provider session, then every client that received
tokens in it hears a back-channel logout token (OIDC Back-Channel Logout 1.0), so leaving one site leaves all."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from joserfc.errors import JoseError

from services.identity.models import Client, LoginSession
from services.identity.service.context import IdentityDeps, IdentityUnitOfWork
from services.identity.service.errors import AuthorizeRefused
from services.identity.service.revocations import announce_revocation
from services.identity.service.secrets import digest
from shared.logs import get_logger

log = get_logger("identity.logout")
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


@dataclass(frozen=True, slots=True)
class LogoutResult:
    redirect_to: str | None
    notices: list[tuple[str, str]]  # (backchannel_logout_uri, logout token) to send after the commit


async def log_out(deps: IdentityDeps, cookie: str | None, params: dict[str, str]) -> LogoutResult:
    async with deps.uow() as uow:
        client = await _client_of(uow, deps, params)
        target = _post_logout_target(client, params)
        session = await uow.repo.login_session(digest(cookie)) if cookie else None
        notices: list[tuple[str, str]] = []
        if session is not None and session.ended_at is None:
            notices = await _end(uow, deps, session)
        await uow.commit()
    return LogoutResult(target, notices)


async def _client_of(uow: IdentityUnitOfWork, deps: IdentityDeps, params: dict[str, str]) -> Client | None:
    client_id = params.get("client_id")
    hint = params.get("id_token_hint")
    if hint:
        try:  # an expired ID token is still a fine hint (OIDC RP-Initiated Logout §2)
            audience = deps.keys.decode(hint).claims.get("aud")
        except (JoseError, ValueError):
            raise AuthorizeRefused("退出请求无效（id_token_hint 无法验证）") from None
        if client_id and audience != client_id:
            raise AuthorizeRefused("退出请求无效（client_id 与 id_token_hint 不一致）")
        client_id = audience
    return await uow.repo.client(client_id) if client_id else None


def _post_logout_target(client: Client | None, params: dict[str, str]) -> str | None:
    uri = params.get("post_logout_redirect_uri")
    if not uri:
        return None
    if client is None or uri not in client.post_logout_redirect_uris:
        raise AuthorizeRefused("退出后的跳转地址未登记（post_logout_redirect_uri 无效）")
    state = params.get("state")
    return f"{uri}{'&' if '?' in uri else '?'}{urlencode({'state': state})}" if state else uri


async def _end(uow: IdentityUnitOfWork, deps: IdentityDeps, session: LoginSession) -> list[tuple[str, str]]:
    now = deps.now()
    session.ended_at = now
    await uow.repo.revoke_session_tokens(session.id, now)
    announce_revocation(uow, deps, "session", session.id)  # its access tokens stop at every service
    uow.audit(session.account_id, "logout", detail=f"session {session.id}, clients {', '.join(session.clients)}")
    notices = []
    for client_id in session.clients:
        client = await uow.repo.client(client_id)
        if client is not None and client.backchannel_logout_uri:
            notices.append((client.backchannel_logout_uri, logout_token(deps, session, client_id)))
    return notices


def logout_token(deps: IdentityDeps, session: LoginSession, client_id: str) -> str:
    now = int(deps.now().timestamp())
    claims: dict[str, Any] = {
        "iss": deps.settings.issuer,
        "aud": client_id,
        "iat": now,
        "exp": now + 120,
        "jti": uuid.uuid4().hex,
        "sub": session.account_id,
        "sid": session.id,
        "events": {LOGOUT_EVENT: {}},
    }
    return deps.keys.sign(claims, typ="logout+jwt")


async def notify(http: httpx.AsyncClient, notices: list[tuple[str, str]]) -> int:
    """POST each logout token; a client that does not answer 200 is logged (the session is over anyway)."""
    delivered = 0
    for uri, token in notices:
        try:
            response = await http.post(uri, data={"logout_token": token}, timeout=5)
            delivered += response.status_code == 200
            if response.status_code != 200:
                log.warning("backchannel_logout_refused", uri=uri, status=response.status_code)
        except httpx.HTTPError as exc:
            log.warning("backchannel_logout_failed", uri=uri, error=str(exc))
    return delivered
