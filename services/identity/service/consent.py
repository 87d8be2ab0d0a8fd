"""Consent: before a third-party client learns anything about a person, the person agrees, once per set of
scopes; the platform's own sites (first-party clients) need no consent."""

from __future__ import annotations

from sqlalchemy import select

from services.identity.models import Client, Consent, LoginSession
from services.identity.service.authorize import AuthorizeRequest
from services.identity.service.context import IdentityDeps, IdentityUnitOfWork

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
