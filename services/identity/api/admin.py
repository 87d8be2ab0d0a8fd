"""Administration routes: staff accounts, role grants, clients, the audit log. Each needs a token of this
provider with the right role; the use cases decide who may do what."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

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
)
from services.identity.service import admin, organisations, second_factor
from services.identity.service.audit import EXPORT_LIMIT, audit_csv, search_audit
from shared.web import CurrentPrincipal

SiteId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$", description="site id")]


router = APIRouter(tags=["administration"])


@router.post("/accounts", response_model=AccountView, status_code=status.HTTP_201_CREATED)
async def create_staff(request: Request, actor: CurrentPrincipal, body: AccountCreate) -> AccountView:
    return AccountView.model_validate(await admin.add_staff(request.app.state.deps, actor, body))


@router.get("/accounts/{account_id}/grants", response_model=list[GrantView])
async def list_grants(request: Request, actor: CurrentPrincipal, account_id: str) -> list[GrantView]:
    grants = await admin.grants_of(request.app.state.deps, actor, account_id)
    return [GrantView.model_validate(g) for g in grants]


@router.post("/accounts/{account_id}/grants", response_model=GrantView, status_code=status.HTTP_201_CREATED)
async def grant(request: Request, actor: CurrentPrincipal, account_id: str, body: GrantCreate) -> GrantView:
    return GrantView.model_validate(await admin.grant_role(request.app.state.deps, actor, account_id, body))


@router.delete("/accounts/{account_id}/grants", status_code=status.HTTP_204_NO_CONTENT)
async def revoke(
    request: Request, actor: CurrentPrincipal, account_id: str, site: str = Query(), role: str = Query()
) -> Response:
    await admin.revoke_role(request.app.state.deps, actor, account_id, site, role)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/sites/{site_id}/policy", response_model=SitePolicyView)
async def site_policy(
    request: Request, actor: CurrentPrincipal, site_id: SiteId, body: SitePolicyView
) -> SitePolicyView:
    policy = await second_factor.set_site_policy(request.app.state.deps, actor, site_id, body.totp_required)
    return SitePolicyView(totp_required=policy.totp_required)


@router.delete("/accounts/{account_id}/totp", status_code=status.HTTP_204_NO_CONTENT)
async def reset_totp(request: Request, actor: CurrentPrincipal, account_id: str) -> Response:
    await second_factor.reset_second_factor(request.app.state.deps, actor, account_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/organisations", status_code=status.HTTP_201_CREATED)
async def create_organisation(request: Request, actor: CurrentPrincipal, body: OrganisationCreate) -> dict:
    org = await organisations.add_organisation(
        request.app.state.deps,
        actor,
        org_id=body.id,
        name=body.name,
        level=body.level,
        parent_id=body.parent_id,
        site_ids=body.site_ids,
    )
    return {"id": org.id, "name": org.name, "level": org.level, "parent_id": org.parent_id}


@router.get("/organisations", summary="The organisation tree (public: it is on every site's 机构 page)")
async def tree(request: Request) -> list[dict]:
    return await organisations.organisation_tree(request.app.state.deps)


@router.put("/accounts/{account_id}/assurance")
async def assurance(request: Request, actor: CurrentPrincipal, account_id: str, body: AssuranceSet) -> dict:
    account = await admin.set_assurance(request.app.state.deps, actor, account_id, body.level)
    return {"id": account.id, "assurance": account.assurance}


@router.post("/clients", response_model=ClientView, status_code=status.HTTP_201_CREATED)
async def register(request: Request, actor: CurrentPrincipal, body: ClientCreate) -> ClientView:
    client, secret = await admin.add_client(request.app.state.deps, actor, body)
    return ClientView.model_validate(client).model_copy(update={"client_secret": secret})


@router.post("/keys/rotate", summary="The published next signing key starts signing (system admin)")
async def rotate(request: Request, actor: CurrentPrincipal) -> dict[str, str]:
    return {"active_kid": await admin.rotate_keys(request.app.state.deps, actor)}


@router.get("/audit", response_model=list[AuditView])
async def audit(
    request: Request,
    actor: CurrentPrincipal,
    who: str | None = Query(None, max_length=64),
    action: str | None = Query(None, max_length=60),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[AuditView]:
    records = await search_audit(
        request.app.state.deps, actor, who=who, action=action, since=since, until=until, limit=limit, offset=offset
    )
    return [AuditView.model_validate(r) for r in records]


@router.get("/audit.csv", response_class=Response)
async def audit_export(
    request: Request, actor: CurrentPrincipal, since: datetime | None = None, until: datetime | None = None
) -> Response:
    records = await search_audit(request.app.state.deps, actor, since=since, until=until, limit=EXPORT_LIMIT)
    headers = {"Content-Disposition": "attachment; filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97.csv"}
    return Response(audit_csv(records), media_type="text/csv; charset=utf-8", headers=headers)
