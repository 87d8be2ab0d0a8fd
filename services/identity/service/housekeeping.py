"""Rows that have done their job are removed: old codes, expired token families, ended sessions, the
revocation list past its tokens' lifetime. Used refresh tokens stay until their family expires, so that a
replay is still recognised as one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, exists, select

from services.identity.models import AuthorizationCode, LoginSession, RefreshToken, RevokedToken
from services.identity.service.context import IdentityDeps
from shared.logs import get_logger
from shared.tasks import Periodic

log = get_logger("identity.housekeeping")
GRACE = timedelta(days=1)  # kept a day past their end, for whoever investigates an incident


async def purge_expired(deps: IdentityDeps) -> dict[str, int]:
    now = deps.now()
    session_in_use = exists(select(RefreshToken.token_hash).where(RefreshToken.session_id == LoginSession.id))
    code_in_use = exists(select(AuthorizationCode.code_hash).where(AuthorizationCode.session_id == LoginSession.id))
    statements = {
        "codes": delete(AuthorizationCode).where(AuthorizationCode.expires_at < now - GRACE),
        "refresh_tokens": delete(RefreshToken).where(RefreshToken.expires_at < now - GRACE),
        "revoked_access_tokens": delete(RevokedToken).where(RevokedToken.expires_at < now),
        "sessions": delete(LoginSession).where(LoginSession.expires_at < now - GRACE, ~session_in_use, ~code_in_use),
    }
    removed = {}
    async with deps.uow() as uow:
        for name, statement in statements.items():  # in this order: sessions go once nothing points at them
            removed[name] = (await uow.session.execute(statement)).rowcount or 0
        await uow.commit()
    return removed


class Housekeeper(Periodic):
    """purge_expired every `interval` seconds inside the service."""

    def __init__(self, deps: IdentityDeps, interval: float) -> None:
        super().__init__("identity:housekeeping", interval, self.tick)
        self.deps = deps

    async def tick(self) -> dict[str, int]:
        removed = await purge_expired(self.deps)
        if any(removed.values()):
            log.info("identity_purged", **removed)
        return removed
