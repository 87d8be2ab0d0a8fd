"""Administration routes: staff accounts, role grants, clients, the audit log. Each needs a token of this
provider with the right role; the use cases decide who may do what."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from services.identity.api.deps import Deps
from services.identity.schemas import (
    AccountCreate,
    AccountView,
    AssuranceSet,
    AuditView,
    ClientCreate,
    ClientView,
    GrantCreate,
    GrantView,
    OrganisationCreate,
    SitePolicyView,
    SiteStaffView,
)
from services.identity.service import admin, organisations, second_factor
from services.identity.service.audit import EXPORT_LIMIT, audit_csv, search_audit
from shared.web import CurrentPrincipal

SiteId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$", description="site id")]


router = APIRouter(tags=["administration"])


@router.post("/accounts", response_model=AccountView, status_code=status.HTTP_201_CREATED)
async def create_staff(deps: Deps, actor: CurrentPrincipal, body: AccountCreate) -> AccountView:
    return AccountView.model_validate(await admin.add_staff(deps, actor, body))


@router.get("/accounts", response_model=list[AccountView], summary="Find a staff account by username (security admin)")
async def find_staff(
    deps: Deps, actor: CurrentPrincipal, username: str = Query(min_length=1, max_length=64)
) -> list[AccountView]:
    return [AccountView.model_validate(a) for a in await admin.find_staff(deps, actor, username)]


@router.get("/accounts/{account_id}/grants", response_model=list[GrantView])
async def list_grants(deps: Deps, actor: CurrentPrincipal, account_id: str) -> list[GrantView]:
    grants = await admin.grants_of(deps, actor, account_id)
    return [GrantView.model_validate(g) for g in grants]


@router.post("/accounts/{account_id}/grants", response_model=GrantView, status_code=status.HTTP_201_CREATED)
async def grant(deps: Deps, actor: CurrentPrincipal, account_id: str, body: GrantCreate) -> GrantView:
    return GrantView.model_validate(await admin.grant_role(deps, actor, account_id, body))


@router.delete("/accounts/{account_id}/grants", status_code=status.HTTP_204_NO_CONTENT)
async def revoke(
    deps: Deps, actor: CurrentPrincipal, account_id: str, site: str = Query(), role: str = Query()
) -> Response:
    await admin.revoke_role(deps, actor, account_id, site, role)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/sites/{site_id}/staff",
    response_model=list[SiteStaffView],
    summary="A site's staff and their roles there (its site admin, the security admin)",
)
async def site_staff(
    deps: Deps,
    actor: CurrentPrincipal,
    site_id: SiteId,
    username: str | None = Query(None, min_length=1, max_length=64, description="one staff account, roles or not"),
) -> list[SiteStaffView]:
    return await admin.site_staff(deps, actor, site_id, username=username)


@router.put("/sites/{site_id}/policy", response_model=SitePolicyView)
async def site_policy(deps: Deps, actor: CurrentPrincipal, site_id: SiteId, body: SitePolicyView) -> SitePolicyView:
    policy = await second_factor.set_site_policy(deps, actor, site_id, body.totp_required)
    return SitePolicyView(totp_required=policy.totp_required)


@router.delete("/accounts/{account_id}/totp", status_code=status.HTTP_204_NO_CONTENT)
async def reset_totp(deps: Deps, actor: CurrentPrincipal, account_id: str) -> Response:
    await second_factor.reset_second_factor(deps, actor, account_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/organisations", status_code=status.HTTP_201_CREATED)
async def create_organisation(deps: Deps, actor: CurrentPrincipal, body: OrganisationCreate) -> dict:
    org = await organisations.add_organisation(
        deps,
        actor,
        org_id=body.id,
        name=body.name,
        level=body.level,
        parent_id=body.parent_id,
        site_ids=body.site_ids,
    )
    return {"id": org.id, "name": org.name, "level": org.level, "parent_id": org.parent_id}


@router.get("/organisations", summary="The organisation tree (public: it is on every site's 机构 page)")
async def tree(deps: Deps) -> list[dict]:
    return await organisations.organisation_tree(deps)


@router.put("/accounts/{account_id}/assurance")
async def assurance(deps: Deps, actor: CurrentPrincipal, account_id: str, body: AssuranceSet) -> dict:
    account = await admin.set_assurance(deps, actor, account_id, body.level)
    return {"id": account.id, "assurance": account.assurance}


@router.post("/clients", response_model=ClientView, status_code=status.HTTP_201_CREATED)
async def register(deps: Deps, actor: CurrentPrincipal, body: ClientCreate) -> ClientView:
    client, secret = await admin.add_client(deps, actor, body)
    return ClientView.model_validate(client).model_copy(update={"client_secret": secret})


@router.post("/keys/rotate", summary="The published next signing key starts signing (system admin)")
async def rotate(deps: Deps, actor: CurrentPrincipal) -> dict[str, str]:
    return {"active_kid": await admin.rotate_keys(deps, actor)}


@router.get("/audit", response_model=list[AuditView])
async def audit(
    deps: Deps,
    actor: CurrentPrincipal,
    who: str | None = Query(None, max_length=64),
    action: str | None = Query(None, max_length=60),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[AuditView]:
    records = await search_audit(
        deps, actor, who=who, action=action, since=since, until=until, limit=limit, offset=offset
    )
    return [AuditView.model_validate(r) for r in records]


@router.get("/audit.csv", response_class=Response)
async def audit_export(
    deps: Deps, actor: CurrentPrincipal, since: datetime | None = None, until: datetime | None = None
) -> Response:
    records = await search_audit(deps, actor, since=since, until=until, limit=EXPORT_LIMIT)
    headers = {"Content-Disposition": "attachment; filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97.csv"}
    return Response(audit_csv(records), media_type="text/csv; charset=utf-8", headers=headers)
