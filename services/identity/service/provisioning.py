"""Provisioning by the platform's own tools (the demo province, benchmarks, an operator's bulk import):
organisations and staff accounts with their roles, written as one named system actor and audited. Not
reachable over HTTP: there, administration goes through the roles of whoever calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.identity.models import Account, Organisation, RoleGrant
from services.identity.service.accounts import create_account
from services.identity.service.context import IdentityDeps


@dataclass(frozen=True, slots=True)
class OrganisationSeed:
    id: str
    name: str
    level: str
    parent_id: str | None
    site_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StaffSeed:
    """A staff account with its one role (site `*` for a platform role)."""

    username: str
    name: str
    site: str
    role: str


async def provision_organisations(deps: IdentityDeps, seeds: Sequence[OrganisationSeed], *, actor: str) -> int:
    """Every organisation, parents listed before their children, in one transaction; none if the first exists."""
    async with deps.uow() as uow:
        if not seeds or await uow.session.get(Organisation, seeds[0].id) is not None:
            return 0
        for seed in seeds:
            org = Organisation(
                id=seed.id, name=seed.name, level=seed.level, parent_id=seed.parent_id, site_ids=list(seed.site_ids)
            )
            uow.session.add(org)
            await uow.session.flush()  # a child's parent row first
            uow.audit(actor, "organisation.created", target=seed.id, detail=f"{seed.level} {seed.name}")
        await uow.commit()
    return len(seeds)


async def provision_staff(
    deps: IdentityDeps, seeds: Sequence[StaffSeed], password: str, *, actor: str
) -> list[Account]:
    """Every account with its role, under the password rules, in one transaction; none if the first exists."""
    async with deps.uow() as uow:
        if not seeds or await uow.repo.account_by_username(seeds[0].username) is not None:
            return []
        made = []
        for seed in seeds:
            account = await create_account(
                uow, deps, actor=actor, username=seed.username, password=password, kind="staff", name=seed.name
            )
            uow.session.add(RoleGrant(account_id=account.id, site_id=seed.site, role=seed.role, granted_by=actor))
            uow.audit(actor, "role.granted", target=account.id, site_id=seed.site, detail=seed.role)
            made.append(account)
        await uow.commit()
    return made
