"""Provider sessions (the SSO login behind the cookie) and the assurance level they carry."""

from __future__ import annotations

from services.identity.models import Account, LoginSession
from services.identity.service.context import IdentityDeps, IdentityUnitOfWork
from services.identity.service.secrets import digest, new_secret


def acr_of(account: Account) -> str:
    return acr_for(account.assurance)


def acr_for(assurance: int) -> str:
    """Assurance level as `acr`: L1 self-declared, L2 verified, L3 verified in person."""
    return f"urn:sitegroup:loa:{assurance}"


def open_session(
    uow: IdentityUnitOfWork, deps: IdentityDeps, account: Account, amr: list[str]
) -> tuple[str, LoginSession]:
    """A new login: the cookie value (only its hash is kept) and the session."""
    cookie = new_secret()
    session = LoginSession(
        id=new_secret(16),
        secret_hash=digest(cookie),
        account_id=account.id,
        amr=amr,
        acr=acr_of(account),
        auth_time=deps.now(),
        expires_at=deps.after(deps.settings.session_seconds),
        clients=[],
    )
    uow.session.add(session)
    return cookie, session


async def current_session(uow: IdentityUnitOfWork, deps: IdentityDeps, cookie: str | None) -> LoginSession | None:
    if not cookie:
        return None
    session = await uow.repo.login_session(digest(cookie))
    if session is None or session.ended_at is not None or session.expires_at <= deps.now():
        return None
    return session
