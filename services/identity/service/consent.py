"""Consent: before a third-party client learns anything about a person, the person agrees, once per set of
scopes; the platform's own sites (first-party clients) need no consent."""

from __future__ import annotations

from sqlalchemy import select, update

from services.identity.models import Client, Consent, LoginSession, RefreshToken
from services.identity.service.authorize import AuthorizeRequest
from services.identity.service.context import IdentityDeps, IdentityUnitOfWork
from shared.errors import NotFound

SCOPE_NAMES = {
    "openid": "确认您的身份",
    "profile": "您的姓名、用户名和账号类型",
    "email": "您的电子邮箱",
    "phone": "您的手机号码",
    "offline_access": "在您离开后继续访问（长期授权）",
}


async def needs_consent(
    uow: IdentityUnitOfWork, client: Client, request: AuthorizeRequest, session: LoginSession
) -> bool:
    if client.first_party and request.prompt != "consent":
        return False
    if request.prompt == "consent":
        return True
    query = select(Consent).where(Consent.account_id == session.account_id, Consent.client_id == client.id)
    given = await uow.session.scalar(query)
    return given is None or not set(request.scope.split()) <= set(given.scopes)


async def record_consent(deps: IdentityDeps, session_cookie_hash: str, client_id: str, scope: str) -> None:
    async with deps.uow() as uow:
        session = await uow.repo.login_session(session_cookie_hash)
        if session is None:
            return
        query = select(Consent).where(Consent.account_id == session.account_id, Consent.client_id == client_id)
        consent = await uow.session.scalar(query) or Consent(account_id=session.account_id, client_id=client_id)
        consent.scopes = sorted(set(consent.scopes or []) | set(scope.split()))
        consent.granted_at = deps.now()
        uow.session.add(consent)
        uow.audit(session.account_id, "consent.granted", target=client_id, detail=scope)
        await uow.commit()


def scope_descriptions(scope: str) -> list[str]:
    return [SCOPE_NAMES.get(s, s) for s in scope.split()]


async def consents_of(deps: IdentityDeps, account_id: str) -> list[Consent]:
    async with deps.uow() as uow:
        query = select(Consent).where(Consent.account_id == account_id).order_by(Consent.granted_at)
        return list(await uow.session.scalars(query))


async def withdraw_consent(deps: IdentityDeps, account_id: str, client_id: str) -> None:
    """The person takes back what they allowed; the client's refresh tokens for them end with it."""
    async with deps.uow() as uow:
        consent = await uow.session.scalar(
            select(Consent).where(Consent.account_id == account_id, Consent.client_id == client_id)
        )
        if consent is None:
            raise NotFound(f"没有对应用 {client_id} 的授权")
        await uow.session.delete(consent)
        await uow.session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.account_id == account_id,
                RefreshToken.client_id == client_id,
                RefreshToken.revoked_at.is_(None),
            )
            .values(revoked_at=deps.now())
        )
        uow.audit(account_id, "consent.withdrawn", target=client_id)
        await uow.commit()
