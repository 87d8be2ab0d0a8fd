"""Signing in at the identity provider: authorization code with PKCE (RFC 7636) and a nonce, the state bound to
the browser that started it; the console is a confidential client and keeps the tokens on the server."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import delete

from services.console.models import ConsoleSession, SignIn
from services.console.service.context import IDENTITY, ConsoleDeps
from services.console.service.id_tokens import BadToken
from services.console.service.platform_api import ApiError

SCOPE = "openid profile offline_access"  # offline_access: a refresh token, so a busy session outlives 10 minutes
HOME = "/console/"


class SignInFailed(Exception):
    """The sign-in cannot be finished (expired, tampered, refused by the provider); the person starts again."""


@dataclass(frozen=True, slots=True)
class Started:
    state: str  # also set as a cookie: the callback must come back to the browser that started it
    authorize_url: str


@dataclass(frozen=True, slots=True)
class SignedIn:
    cookie: str
    return_to: str


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def safe_return(path: str | None) -> str:
    """Only the console's own paths: an open redirect would hand a signed-in person to anyone's page."""
    if not path or not path.startswith("/console/") or path.startswith("//") or "\\" in path:
        return HOME
    return path[:500]


async def start_sign_in(deps: ConsoleDeps, return_to: str | None, *, fresh: bool = False) -> Started:
    """`fresh`: the password is asked again even if the provider still knows the person (after an idle timeout)."""
    state, verifier, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(48), secrets.token_urlsafe(24)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    async with deps.uow() as uow:
        too_old = deps.now() - timedelta(seconds=deps.settings.login_seconds)
        await uow.execute(delete(SignIn).where(SignIn.created_at < too_old))
        attempt = SignIn(
            state=digest(state),
            code_verifier=verifier,
            nonce=nonce,
            return_to=safe_return(return_to),
            created_at=deps.now(),
        )
        uow.session.add(attempt)
        await uow.commit()
    params = {"prompt": "login"} if fresh else {}
    query = urlencode(
        params
        | {
            "response_type": "code",
            "client_id": deps.settings.client_id,
            "redirect_uri": deps.settings.redirect_uri,
            "scope": SCOPE,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return Started(state, f"{deps.settings.auth_issuer}/authorize?{query}")


async def finish_sign_in(deps: ConsoleDeps, *, state: str, browser_state: str | None, code: str) -> SignedIn:
    if not state or not browser_state or not secrets.compare_digest(state, browser_state):
        raise SignInFailed("登录请求与本浏览器不符（可能已过期或被篡改），请重新登录")
    async with deps.uow() as uow:
        attempt = await uow.session.get(SignIn, digest(state))
        if attempt is None or attempt.created_at < deps.now() - timedelta(seconds=deps.settings.login_seconds):
            raise SignInFailed("登录已超时，请重新登录")
        await uow.session.delete(attempt)  # a state is good for one callback
        await uow.commit()
    tokens = await _exchange(deps, code, attempt.code_verifier)
    try:
        claims = await deps.provider.id_claims(tokens["id_token"], attempt.nonce)
    except BadToken as exc:
        raise SignInFailed(str(exc)) from None
    cookie = secrets.token_urlsafe(32)
    async with deps.uow() as uow:
        uow.session.add(_new_session(deps, cookie, claims, tokens))
        await uow.commit()
    return SignedIn(cookie, attempt.return_to)


async def _exchange(deps: ConsoleDeps, code: str, verifier: str) -> dict:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": deps.settings.redirect_uri,
        "code_verifier": verifier,
    }
    try:
        tokens = await deps.api.form(f"{IDENTITY}/token", form, deps.client_auth)
    except ApiError as exc:
        raise SignInFailed(f"统一身份认证拒绝了本次登录：{exc.message or exc.code}") from None
    if not tokens.get("access_token") or not tokens.get("id_token"):
        raise SignInFailed("统一身份认证没有返回访问令牌和 ID 令牌")
    return tokens


def _new_session(deps: ConsoleDeps, cookie: str, claims: dict, tokens: dict) -> ConsoleSession:
    now = deps.now()
    return ConsoleSession(
        id=digest(cookie),
        subject=str(claims["sub"]),
        name=str(claims.get("name") or claims["sub"])[:100],
        provider_sid=claims.get("sid"),
        access_token=tokens["access_token"],
        access_expires_at=now + timedelta(seconds=int(tokens.get("expires_in", 600))),
        refresh_token=tokens.get("refresh_token"),
        id_token=tokens["id_token"],
        csrf=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
    )
