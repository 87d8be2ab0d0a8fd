"""Administration: staff accounts, role grants and clients, each checked against who asks and audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from services.identity.models import Account, Client, RoleGrant
from services.identity.schemas import AccountCreate, ClientCreate, GrantCreate, SiteStaffView
from services.identity.service.accounts import create_account
from services.identity.service.clients import register_client
from services.identity.service.context import IdentityDeps
from services.identity.service.keys import KeyRing
from services.identity.service.revocations import announce_revocation
from services.identity.service.roles import (
    PLATFORM_OPERATOR,
    SECURITY_ADMIN,
    SITE_ADMIN,
    SYSTEM_ADMIN,
    check_grant,
    check_separation,
    require,
    require_grantor,
)
from shared.auth import PLATFORM_SITE, Principal
from shared.errors import Forbidden, NotFound


async def add_staff(deps: IdentityDeps, actor: Principal, body: AccountCreate) -> Account:
    """Security admins create staff accounts; a site admin may too (and then grant roles on their site)."""
    if not (actor.has_role(PLATFORM_SITE, SECURITY_ADMIN) or any(g.role == SITE_ADMIN for g in actor.grants)):
        raise Forbidden("需要 security_admin 角色或某个站点的 site_admin 角色", code="needs_role")
    async with deps.uow() as uow:
        fields = body.model_dump(exclude={"username", "password"})
        account = await create_account(
            uow, deps, actor=actor.subject, username=body.username, password=body.password, kind="staff", **fields
        )
        await uow.commit()
    return account


async def grant_role(deps: IdentityDeps, actor: Principal, account_id: str, body: GrantCreate) -> RoleGrant:
    check_grant(body.site, body.role)
    require_grantor(actor, body.site, body.role, account_id)
    async with deps.uow() as uow:
        account = await uow.repo.account(account_id)
        if account is None or account.kind != "staff":
            raise NotFound(f"工作人员账号 {account_id} 不存在")
        check_separation({g.role for g in await uow.repo.grants_of(account_id)}, body.role)
        grant = RoleGrant(
            account_id=account_id,
            site_id=body.site,
            role=body.role,
            channels=list(body.channels) if body.channels is not None else None,
            granted_by=actor.subject,
        )
        uow.session.add(grant)
        uow.audit(actor.subject, "role.granted", target=account_id, site_id=body.site, detail=body.role)
        await uow.commit()
    return grant


async def find_staff(deps: IdentityDeps, actor: Principal, username: str) -> list[Account]:
    """The staff account of that username, if any (the security admin's search)."""
    require(actor, SECURITY_ADMIN)
    async with deps.uow() as uow:
        account = await uow.repo.account_by_username(username)
    return [account] if account is not None and account.kind == "staff" else []


async def site_staff(
    deps: IdentityDeps, actor: Principal, site_id: str, *, username: str | None = None
) -> list[SiteStaffView]:
    """The people of a site with their roles there (its site admin, the security admin); with `username`, that one
    staff account whatever its roles — to give it a first role on the site — showing none of its other sites."""
    if not (actor.has_role(site_id, SITE_ADMIN) or actor.has_role(PLATFORM_SITE, SECURITY_ADMIN)):
        raise Forbidden(f"需要站点 {site_id} 的 site_admin 角色或 security_admin 角色", code="needs_role")
    async with deps.uow() as uow:
        if username is not None:
            account = await uow.repo.account_by_username(username)
            if account is None or account.kind != "staff":
                return []
            roles = [g.role for g in await uow.repo.grants_of(account.id) if g.site_id == site_id]
            return [_staff_view(account, roles)]
        return [_staff_view(account, roles) for account, roles in await uow.repo.staff_of_site(site_id)]


def _staff_view(account: Account, roles: list[str]) -> SiteStaffView:
    return SiteStaffView(
        account_id=account.id, username=account.username, name=account.name, roles=roles, disabled=account.disabled
    )


async def grants_of(deps: IdentityDeps, actor: Principal, account_id: str) -> list[RoleGrant]:
    """An account's roles: for the security admin, and for the person themselves."""
    if actor.subject != account_id:
        require(actor, SECURITY_ADMIN)
    async with deps.uow() as uow:
        return await uow.repo.grants_of(account_id)


async def revoke_role(deps: IdentityDeps, actor: Principal, account_id: str, site: str, role: str) -> None:
    require_grantor(actor, site, role, account_id)
    async with deps.uow() as uow:
        result = await uow.session.execute(
            delete(RoleGrant).where(
                RoleGrant.account_id == account_id, RoleGrant.site_id == site, RoleGrant.role == role
            )
        )
        if not result.rowcount:
            raise NotFound(f"账号 {account_id} 在站点 {site} 上没有 {role} 角色")
        uow.audit(actor.subject, "role.revoked", target=account_id, site_id=site, detail=role)
        announce_revocation(uow, deps, "subject", account_id)  # tokens carrying the role stop now
        await uow.commit()


async def add_client(deps: IdentityDeps, actor: Principal, body: ClientCreate) -> tuple[Client, str | None]:
    """Sites and services are registered by the system admin or a platform operator."""
    if not actor.has_role(PLATFORM_SITE, (SYSTEM_ADMIN, PLATFORM_OPERATOR)):
        raise Forbidden("需要 system_admin 或 platform_operator 角色", code="needs_role")
    async with deps.uow() as uow:
        fields: dict[str, Any] = body.model_dump(exclude={"client_id", "public"})
        client, secret = await register_client(
            uow, deps, actor=actor.subject, client_id=body.client_id, public=body.public, **fields
        )
        await uow.commit()
    return client, secret


async def rotate_keys(deps: IdentityDeps, actor: Principal) -> str:
    """The published next key starts signing; the old one stays published until its tokens have expired."""
    require(actor, SYSTEM_ADMIN)
    async with deps.uow() as uow:
        kid = await KeyRing.rotate(uow.session)
        uow.audit(actor.subject, "keys.rotated", target=kid)
        await deps.keys.load(uow.session, keep_retired=deps.keep_retired_keys())
        await uow.commit()
    return kid


async def set_assurance(deps: IdentityDeps, actor: Principal, account_id: str, level: int) -> Account:
    """The security admin records how well an account's person is known (e.g. after checking an ID card)."""
    require(actor, SECURITY_ADMIN)
    async with deps.uow() as uow:
        account = await uow.repo.account(account_id)
        if account is None:
            raise NotFound(f"账号 {account_id} 不存在")
        uow.audit(actor.subject, "assurance.set", target=account_id, detail=f"{account.assurance} → {level}")
        account.assurance = level
        await uow.commit()
    return account
