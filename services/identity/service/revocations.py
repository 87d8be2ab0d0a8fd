"""Telling every service which access tokens stopped being valid before their time (TokensRevoked): a token
is a signed JWT the services check on their own, so without this a revoked one works until it expires."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.identity.service.context import IdentityDeps, IdentityUnitOfWork
from shared.events.identity import PLATFORM_EVENTS_SITE, RevocationKind, TokensRevoked

CLOCK_SKEW = timedelta(seconds=60)  # the services accept tokens 30 s past their expiry; a margin on that


def announce_revocation(
    uow: IdentityUnitOfWork,
    deps: IdentityDeps,
    kind: RevocationKind,
    value: str,
    *,
    expires_at: datetime | None = None,
) -> None:
    """Written with the change that revoked the tokens (same transaction); heard by this process at once."""
    now = deps.now()
    until = (expires_at or now + timedelta(seconds=deps.settings.access_token_seconds)) + CLOCK_SKEW
    # A person keeps the tokens issued from now on (iat counts whole seconds, so one of this very second is
    # refused too: its holder refreshes once more); a token, family or session is done whatever its tokens'
    # age (no new ones can come from it).
    issued_before = now if kind == "subject" else until
    event = TokensRevoked(
        site_id=PLATFORM_EVENTS_SITE,
        aggregate_id=f"{kind}:{value}"[:120],
        aggregate_version=1,
        kind=kind,
        value=value,
        issued_before=issued_before,
        until=until,
    )
    uow.emit(event)
    uow.after_commit(lambda: deps.revocations.add(kind, value, issued_before.timestamp(), until.timestamp()))
