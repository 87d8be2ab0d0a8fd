"""Sessions on the console's own database (SQLite here, PostgreSQL in the real-backend pass): found by the
cookie's digest only, refreshed once however many requests arrive together, ended by time or by the provider."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta

import pytest
from joserfc import jwt

from services.console.models import ConsoleSession
from services.console.service.id_tokens import LOGOUT_EVENT, BadToken
from services.console.service.sessions import SessionEnded, current_staff, end_sessions_of_logout
from services.console.service.signin import digest
from shared.testing import TEST_ISSUER


async def signed_in(runtime, tokens, *, expires_in: float, sid: str = "sid-1") -> str:
    """A session as a finished sign-in leaves it; the cookie's value."""
    cookie = uuid.uuid4().hex
    deps = runtime.deps
    async with deps.uow() as uow:
        uow.session.add(
            ConsoleSession(
                id=digest(cookie),
                subject="u-wangfang",
                name="王芳",
                provider_sid=sid,
                access_token=tokens.signer.mint("u-wangfang", name="王芳", lifetime=600),
                access_expires_at=deps.now() + timedelta(seconds=expires_in),
                refresh_token="rt0",
                id_token="id",
                csrf="c" * 43,
                created_at=deps.now(),
                last_seen_at=deps.now(),
            )
        )
        await uow.commit()
    return cookie


def logout_token(tokens, **claims) -> str:
    now = int(time.time())
    body = {"iss": TEST_ISSUER, "aud": "console", "iat": now, "jti": uuid.uuid4().hex, "events": {LOGOUT_EVENT: {}}}
    header = {"alg": "RS256", "kid": tokens.signer.key.kid, "typ": "logout+jwt"}
    return jwt.encode(header, body | claims, tokens.signer.key)


async def test_requests_that_arrive_together_refresh_once(runtime, tokens, endpoint) -> None:
    cookie = await signed_in(runtime, tokens, expires_in=30)  # within the minute before expiry
    staff = await asyncio.gather(*(current_staff(runtime.deps, cookie) for _ in range(5)))
    assert all(s is not None and s.name == "王芳" for s in staff)
    assert endpoint.refreshes == ["rt0"]  # a refresh token used twice would end the whole grant
    async with runtime.deps.uow() as uow:
        row = await uow.session.get(ConsoleSession, digest(cookie))
    assert row.refresh_token == "rt1" and row.version == 2  # even again: settled


async def test_the_cookie_alone_finds_the_session_and_idleness_ends_it(runtime, tokens) -> None:
    cookie = await signed_in(runtime, tokens, expires_in=600)
    assert await current_staff(runtime.deps, digest(cookie)) is None  # the stored digest is not a cookie
    real_now = runtime.deps.now
    runtime.deps.now = lambda: real_now() + timedelta(minutes=31)
    with pytest.raises(SessionEnded):
        await current_staff(runtime.deps, cookie)
    runtime.deps.now = real_now
    assert await current_staff(runtime.deps, cookie) is None  # gone for good


async def test_the_providers_logout_ends_that_login_only(runtime, tokens) -> None:
    ours = await signed_in(runtime, tokens, expires_in=600, sid="sid-ours")
    other = await signed_in(runtime, tokens, expires_in=600, sid="sid-other")
    assert await end_sessions_of_logout(runtime.deps, logout_token(tokens, sid="sid-ours", sub="u-wangfang")) == 1
    assert await current_staff(runtime.deps, ours) is None
    assert await current_staff(runtime.deps, other) is not None
    with pytest.raises(BadToken):
        await end_sessions_of_logout(runtime.deps, logout_token(tokens, sid="sid-other", nonce="n"))
    with pytest.raises(BadToken):
        await end_sessions_of_logout(runtime.deps, logout_token(tokens, sid="sid-other", aud="someone-else"))
    assert await current_staff(runtime.deps, other) is not None
