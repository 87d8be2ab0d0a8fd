"""A signed-in person's session: found by cookie, ended when idle or old, its access token refreshed before it
expires (one process refreshes; the others wait for its tokens), ended by the person or by the provider."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update

from services.console.models import ConsoleSession
from services.console.service.context import IDENTITY, ConsoleDeps
from services.console.service.platform_api import ApiError
from services.console.service.signin import digest
from shared.auth import Principal
from shared.errors import ProblemError
from shared.logs import get_logger

log = get_logger(__name__)
REFRESH_AHEAD = timedelta(seconds=60)  # a token that expires sooner is refreshed before it is used
TOUCH_EVERY = timedelta(seconds=60)  # last_seen is written at most this often


class SessionEnded(Exception):
    """The session was there but has ended (idle too long, or too old): the person signs in again, in full."""


@dataclass(frozen=True, slots=True)
class Staff:
    """The person behind a request: who, what their token lets them do, and the session's CSRF token."""

    session_id: str
    subject: str
    name: str
    csrf: str
    token: str
    principal: Principal


async def current_staff(deps: ConsoleDeps, cookie: str | None) -> Staff | None:
    """The session's person, or None if there is none (never signed in, ended, its tokens refused); SessionEnded
    if it ended by time."""
    if not cookie:
        return None
    async with deps.uow() as uow:
        row = await uow.session.get(ConsoleSession, digest(cookie))
        if row is None:
            return None
        if _expired(deps, row):
            await uow.session.delete(row)
            await uow.commit()
            raise SessionEnded
        if deps.now() - row.last_seen_at >= TOUCH_EVERY:
            row.last_seen_at = deps.now()
            await uow.commit()
    if row.access_expires_at - deps.now() < REFRESH_AHEAD:
        row = await _refreshed(deps, row)
        if row is None:
            return None
    try:
        principal = await deps.access.verify(row.access_token)
    except ProblemError as exc:  # revoked or no longer valid: the person signs in again
        log.info("console_token_refused", code=exc.code, message=str(exc))
        await _forget(deps, row.id)
        return None
    return Staff(row.id, row.subject, row.name, row.csrf, row.access_token, principal)


def _expired(deps: ConsoleDeps, row: ConsoleSession) -> bool:
    now, settings = deps.now(), deps.settings
    return now - row.last_seen_at > timedelta(minutes=settings.idle_minutes) or now - row.created_at > timedelta(
        hours=settings.session_hours
    )


async def _refreshed(deps: ConsoleDeps, row: ConsoleSession) -> ConsoleSession | None:
    """New tokens with the refresh token: the process that claims the session's version refreshes (a refresh
    token used twice would end the whole grant at the provider); the others wait for what it writes."""
    if row.refresh_token is None:
        return None
    if row.version % 2:  # another process has claimed this refresh
        return await _written_by_another(deps, row)
    async with deps.uow() as uow:
        claim = update(ConsoleSession).where(ConsoleSession.id == row.id, ConsoleSession.version == row.version)
        claimed = (await uow.execute(claim.values(version=row.version + 1))).rowcount == 1
        await uow.commit()
    if not claimed:
        return await _written_by_another(deps, row)
    try:
        tokens = await deps.api.form(
            f"{IDENTITY}/token", {"grant_type": "refresh_token", "refresh_token": row.refresh_token}, deps.client_auth
        )
    except ApiError as exc:  # refused (revoked, expired) or unreachable: sign in again
        log.info("console_refresh_refused", code=exc.code, message=exc.message)
        await _forget(deps, row.id)
        return None
    async with deps.uow() as uow:
        fresh = await uow.session.get(ConsoleSession, row.id)
        if fresh is None:
            return None
        fresh.access_token = tokens["access_token"]
        fresh.access_expires_at = deps.now() + timedelta(seconds=int(tokens.get("expires_in", 600)))
        fresh.refresh_token = tokens.get("refresh_token", fresh.refresh_token)
        fresh.id_token = tokens.get("id_token", fresh.id_token)
        fresh.version = row.version + 2
        await uow.commit()
    return fresh


async def _written_by_another(deps: ConsoleDeps, row: ConsoleSession) -> ConsoleSession | None:
    for _ in range(50):
        await asyncio.sleep(0.1)
        async with deps.uow() as uow:
            fresh = await uow.session.get(ConsoleSession, row.id)
        if fresh is None or (fresh.version > row.version and fresh.version % 2 == 0):
            return fresh
    return None


async def _forget(deps: ConsoleDeps, session_id: str) -> None:
    async with deps.uow() as uow:
        await uow.execute(delete(ConsoleSession).where(ConsoleSession.id == session_id))
        await uow.commit()


async def end_session(deps: ConsoleDeps, cookie: str | None) -> str | None:
    """Sign out here; the ID token to hand to the provider's logout (RP-initiated logout), if there was a session."""
    if not cookie:
        return None
    async with deps.uow() as uow:
        row = await uow.session.get(ConsoleSession, digest(cookie))
        if row is None:
            return None
        await uow.session.delete(row)
        await uow.commit()
    return row.id_token


async def end_sessions_of_logout(deps: ConsoleDeps, logout_token: str) -> int:
    """The provider says a login session (sid) or a person (sub) signed out: their console sessions end now."""
    claims = await deps.provider.logout_claims(logout_token)  # BadToken: the caller answers 400
    if claims.get("sid"):
        which = ConsoleSession.provider_sid == claims["sid"]
    else:
        which = ConsoleSession.subject == claims["sub"]
    async with deps.uow() as uow:
        ended = (await uow.execute(delete(ConsoleSession).where(which))).rowcount
        await uow.commit()
    return ended


async def sessions_of(deps: ConsoleDeps, subject: str) -> list[ConsoleSession]:
    async with deps.uow() as uow:
        return list((await uow.session.scalars(select(ConsoleSession).where(ConsoleSession.subject == subject))).all())
