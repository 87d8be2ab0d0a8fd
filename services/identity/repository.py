"""Queries of the identity tables (platform data: no tenant scope, sites are values here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.identity.models import (
    Account,
    Agent,
    ApiKey,
    Application,
    AuthorizationCode,
    Client,
    LoginSession,
    RefreshToken,
    RevokedToken,
    RoleGrant,
)
from shared.db.uow import CoreRunner

# The refresh grant's reads in one statement: the token, its account, its login and the account's grants,
# a row per grant (Core rows, no ORM).
REFRESH_CONTEXT = (
    select(
        RefreshToken.family_id,
        RefreshToken.client_id,
        RefreshToken.account_id,
        RefreshToken.session_id,
        RefreshToken.scope,
        RefreshToken.expires_at,
        RefreshToken.used_at,
        RefreshToken.revoked_at,
        Account.name.label("account_name"),
        Account.assurance,
        Account.disabled,
        LoginSession.ended_at.label("session_ended_at"),
        LoginSession.auth_time,
        RoleGrant.site_id,
        RoleGrant.role,
        RoleGrant.channels,
    )
    .join(Account, Account.id == RefreshToken.account_id)
    .outerjoin(LoginSession, LoginSession.id == RefreshToken.session_id)
    .outerjoin(RoleGrant, RoleGrant.account_id == RefreshToken.account_id)
    .where(RefreshToken.token_hash == bindparam("token_hash"))
    .order_by(RoleGrant.id)
)
INSERT_REFRESH = insert(RefreshToken)
# Only one request can move a token from unused to used: a concurrent replay finds no row to update.
MARK_USED = (
    update(RefreshToken)
    .where(RefreshToken.token_hash == bindparam("presented"), RefreshToken.used_at.is_(None))
    .values(used_at=bindparam("now"))
)


class IdentityRepository:
    """ORM queries through the session; the refresh grant's prebuilt Core statements through `run` (the unit
    of work's connection)."""

    def __init__(self, session: AsyncSession, run: CoreRunner) -> None:
        self.session = session
        self.run = run

    async def account(self, account_id: str) -> Account | None:
        return await self.session.get(Account, account_id)

    async def account_by_credit_code(self, credit_code: str) -> Account | None:
        return await self.session.scalar(select(Account).where(Account.credit_code == credit_code))

    async def account_by_username(self, username: str) -> Account | None:
        return await self.session.scalar(select(Account).where(Account.username == username))

    async def grants_of(self, account_id: str) -> list[RoleGrant]:
        query = select(RoleGrant).where(RoleGrant.account_id == account_id).order_by(RoleGrant.id)
        return list(await self.session.scalars(query))

    async def staff_of_site(self, site_id: str) -> list[tuple[Account, list[str]]]:
        """Every account holding a role on the site, with those roles, by name."""
        query = (
            select(Account, RoleGrant.role)
            .join(RoleGrant, RoleGrant.account_id == Account.id)
            .where(RoleGrant.site_id == site_id)
            .order_by(Account.name, Account.id, RoleGrant.role)
        )
        found: dict[str, tuple[Account, list[str]]] = {}
        for account, role in (await self.session.execute(query)).all():
            found.setdefault(account.id, (account, []))[1].append(role)
        return list(found.values())

    async def client(self, client_id: str) -> Client | None:
        return await self.session.get(Client, client_id)

    async def clients(self) -> list[Client]:
        return list(await self.session.scalars(select(Client).order_by(Client.id)))

    async def login_session(self, secret_hash: str) -> LoginSession | None:
        return await self.session.scalar(select(LoginSession).where(LoginSession.secret_hash == secret_hash))

    async def login_session_by_id(self, session_id: str) -> LoginSession | None:
        return await self.session.get(LoginSession, session_id)

    async def code(self, code_hash: str) -> AuthorizationCode | None:
        return await self.session.get(AuthorizationCode, code_hash, with_for_update=True)

    async def refresh_token(self, token_hash: str) -> RefreshToken | None:
        return await self.session.get(RefreshToken, token_hash, with_for_update=True)

    async def revoke_family(self, family_id: str, at: datetime) -> int:
        result = await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return result.rowcount or 0

    async def revoke_session_tokens(self, session_id: str, at: datetime) -> int:
        result = await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.session_id == session_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return result.rowcount or 0

    async def is_revoked(self, jti: str) -> bool:
        return await self.session.get(RevokedToken, jti) is not None

    async def agents_of(self, legal_person_id: str) -> list[Agent]:
        return list(await self.session.scalars(select(Agent).where(Agent.legal_person_id == legal_person_id)))

    async def represented_by(self, agent_id: str) -> list[Account]:
        query = select(Account).join(Agent, Agent.legal_person_id == Account.id).where(Agent.agent_id == agent_id)
        return list(await self.session.scalars(query))

    async def application(self, application_id: str) -> Application | None:
        return await self.session.get(Application, application_id)

    async def applications_of(self, owner_id: str) -> list[Application]:
        query = select(Application).where(Application.owner_id == owner_id).order_by(Application.created_at)
        return list(await self.session.scalars(query))

    async def keys_of(self, application_id: str) -> list[ApiKey]:
        query = select(ApiKey).where(ApiKey.application_id == application_id).order_by(ApiKey.created_at)
        return list(await self.session.scalars(query))

    async def api_key(self, key_id: str) -> ApiKey | None:
        return await self.session.get(ApiKey, key_id)

    # The refresh grant's statements run on the transaction's connection: no ORM entities are involved, and
    # the session's execution machinery would cost about as much as the statements themselves.
    async def refresh_context(self, token_hash: str) -> list[Row[Any]]:
        """A row per grant of the token's account (one row with no grant when it has none); [] if unknown."""
        return list((await self.run(REFRESH_CONTEXT, {"token_hash": token_hash})).all())

    async def mark_used(self, token_hash: str, now: datetime) -> bool:
        return ((await self.run(MARK_USED, {"presented": token_hash, "now": now})).rowcount or 0) == 1

    async def add_refresh_token(self, **values: Any) -> None:
        await self.run(INSERT_REFRESH, values)
