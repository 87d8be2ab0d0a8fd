"""Accounts of the public: citizens and legal persons (法人) register themselves (assurance L1, self-declared);
a legal person acts through the agents (经办人) it authorises."""

from __future__ import annotations

from services.identity.models import Account, Agent
from services.identity.service.accounts import create_account
from services.identity.service.context import IdentityDeps
from shared.auth import Principal
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound

_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def valid_credit_code(code: str) -> bool:
    """统一社会信用代码: 18 characters whose last one is the check character of the first 17."""
    if len(code) != 18 or any(c not in _CODE_CHARS for c in code):
        return False
    total = sum(_CODE_CHARS.index(c) * w for c, w in zip(code[:17], _WEIGHTS, strict=True))
    return _CODE_CHARS[(31 - total % 31) % 31] == code[17]


async def register_public(
    deps: IdentityDeps,
    *,
    kind: str,
    username: str,
    password: str,
    name: str,
    credit_code: str | None,
    email: str | None,
    phone: str | None,
) -> Account:
    credit_code = (credit_code or "").strip() or None  # an empty field is no code, never a code ""
    if kind == "legal_person":
        if not credit_code or not valid_credit_code(credit_code):
            raise InvalidInput("credit_code", "不是有效的统一社会信用代码（18 位，最后一位为校验码）")
    elif credit_code:
        raise InvalidInput("credit_code", "只有法人账号才有统一社会信用代码")
    async with deps.uow() as uow:
        if credit_code and await uow.repo.account_by_credit_code(credit_code) is not None:
            raise Conflict(f"credit_code：统一社会信用代码为 {credit_code} 的账号已存在")
        account = await create_account(
            uow,
            deps,
            actor=f"self:{username}",
            username=username,
            password=password,
            kind=kind,
            name=name,
            credit_code=credit_code,
            email=email,
            phone=phone,
            assurance=1,
        )
        await uow.commit()
    return account


async def authorise_agent(deps: IdentityDeps, actor: Principal, agent_username: str) -> Agent:
    """A legal person names a citizen account that may act for it."""
    async with deps.uow() as uow:
        legal = await uow.repo.account(actor.subject)
        if legal is None or legal.kind != "legal_person":
            raise Forbidden("只有法人账号可以授权经办人")
        agent = await uow.repo.account_by_username(agent_username)
        if agent is None or agent.kind != "citizen":
            raise NotFound(f"自然人账号 {agent_username!r} 不存在")
        if any(a.agent_id == agent.id for a in await uow.repo.agents_of(legal.id)):
            raise Conflict(f"{agent_username} 已是 {legal.name} 的经办人")
        link = Agent(legal_person_id=legal.id, agent_id=agent.id)
        uow.session.add(link)
        uow.audit(legal.id, "agent.authorised", target=agent.id)
        await uow.commit()
    return link
