"""The second factor: which accounts must have one (their own flag, or a site they work on requires it),
enrolment during the login that first needs it, and the security admin's site policy and reset."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyotp
from joserfc.errors import JoseError
from sqlalchemy import select

from services.identity.models import Account, LoginSession, SitePolicy
from services.identity.service.context import IdentityDeps, IdentityUnitOfWork
from services.identity.service.errors import LoginFailed
from services.identity.service.roles import SECURITY_ADMIN, require
from services.identity.service.secrets import digest
from services.identity.service.sessions import open_session
from shared.auth import Principal
from shared.errors import NotFound

ENROL_SECONDS = 600
ISSUER_NAME = "政府网站集约化平台"


class EnrolmentNeeded(Exception):  # noqa: N818 - a step of the login, not a failure
    """The password was right; the account must set up its authenticator before it may go on."""

    def __init__(self, enrolment: Enrolment) -> None:
        super().__init__("second factor enrolment needed")
        self.enrolment = enrolment


@dataclass(frozen=True, slots=True)
class Enrolment:
    ticket: str  # proves the first factor for ENROL_SECONDS
    secret: str
    otpauth_uri: str


async def second_factor_required(uow: IdentityUnitOfWork, account: Account) -> bool:
    if account.totp_required:
        return True
    sites = {g.site_id for g in await uow.repo.grants_of(account.id)}
    if not sites:
        return False
    query = select(SitePolicy.site_id).where(SitePolicy.site_id.in_(sites), SitePolicy.totp_required.is_(True))
    return (await uow.session.scalar(query.limit(1))) is not None


def start_enrolment(deps: IdentityDeps, account: Account) -> Enrolment:
    secret = pyotp.random_base32()
    account.totp_pending = secret
    now = int(time.time())
    claims = {
        "iss": deps.settings.issuer,
        "sub": account.id,
        "purpose": "totp-enrol",
        "iat": now,
        "exp": now + ENROL_SECONDS,
        "pending": digest(secret),
    }
    uri = pyotp.TOTP(secret).provisioning_uri(name=account.username, issuer_name=ISSUER_NAME)
    return Enrolment(deps.keys.sign(claims, typ="JWT"), secret, uri)


async def finish_enrolment(deps: IdentityDeps, ticket: str, code: str) -> tuple[str, LoginSession]:
    """Check the ticket and the first code from the new authenticator; keep it; open the session."""
    try:
        claims = deps.keys.decode(ticket).claims
    except (JoseError, ValueError):
        raise LoginFailed("登录已过期，请重新登录") from None
    if claims.get("purpose") != "totp-enrol" or claims.get("exp", 0) < time.time():
        raise LoginFailed("登录已过期，请重新登录")
    async with deps.uow() as uow:
        account = await uow.repo.account(claims["sub"])
        if account is None or not account.totp_pending or digest(account.totp_pending) != claims.get("pending"):
            raise LoginFailed("登录已过期，请重新登录")
        if not pyotp.TOTP(account.totp_pending).verify(code.strip(), valid_window=1):
            raise LoginFailed("动态口令不正确，请查看验证器上的最新口令")
        account.totp_secret, account.totp_pending = account.totp_pending, None
        uow.audit(account.id, "totp.enrolled")
        cookie, session = open_session(uow, deps, account, ["pwd", "otp"])
        await uow.commit()
    return cookie, session


async def set_site_policy(deps: IdentityDeps, actor: Principal, site_id: str, totp_required: bool) -> SitePolicy:
    require(actor, SECURITY_ADMIN)
    async with deps.uow() as uow:
        policy = await uow.session.get(SitePolicy, site_id) or SitePolicy(site_id=site_id)
        policy.totp_required, policy.updated_by, policy.updated_at = totp_required, actor.subject, deps.now()
        uow.session.add(policy)
        uow.audit(actor.subject, "site_policy.set", site_id=site_id, detail=f"totp_required={totp_required}")
        await uow.commit()
    return policy


async def reset_second_factor(deps: IdentityDeps, actor: Principal, account_id: str) -> None:
    """A lost phone: the security admin clears the authenticator; the next login enrols a new one."""
    require(actor, SECURITY_ADMIN)
    async with deps.uow() as uow:
        account = await uow.repo.account(account_id)
        if account is None:
            raise NotFound(f"账号 {account_id} 不存在")
        account.totp_secret = account.totp_pending = None
        uow.audit(actor.subject, "totp.reset", target=account_id)
        await uow.commit()
