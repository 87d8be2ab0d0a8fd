"""Provisioning by the platform's own tools (the demo province, benchmarks, an operator's bulk import):
organisations and staff accounts with their roles, written as one named system actor and audited. Not
reachable over HTTP: there, administration goes through the roles of whoever calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.identity.models import Account, Client, Organisation, RoleGrant
from services.identity.schemas import ClientCreate
from services.identity.service.accounts import create_account
from services.identity.service.clients import check_client_uris
from services.identity.service.context import IdentityDeps
from services.identity.service.secrets import digest


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


async def provision_client(deps: IdentityDeps, spec: ClientCreate, secret: str, *, actor: str) -> bool:
    """One of the platform's own confidential clients (the staff console) as its composer describes it: registered
    with the secret given, or brought up to date (its addresses follow the address the platform runs on).
    True if anything was written."""
    check_client_uris(spec)
    fields = spec.model_dump(exclude={"client_id", "public", "service_grants"})
    async with deps.uow() as uow:
        client = await uow.repo.client(spec.client_id)
        if client is None:
            client = Client(id=spec.client_id, public=False, created_by=actor, service_grants=[], **fields)
            uow.session.add(client)
            action = "client.registered"
        elif client.secret_hash == digest(secret) and all(getattr(client, k) == v for k, v in fields.items()):
            return False
        else:
            for key, value in fields.items():
                setattr(client, key, value)
            action = "client.updated"
        client.secret_hash = digest(secret)
        uow.audit(actor, action, target=spec.client_id, detail="confidential (provisioned)")
        await uow.commit()
    deps.clients.forget(spec.client_id)
    return True
