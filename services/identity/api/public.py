"""Routes for the public and for developers: self-registration, a legal person's agents, applications
and their API keys, and the key check the gateway relies on."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field

from services.identity.api.deps import Deps
from services.identity.schemas import AccountCreate, AccountView
from services.identity.service import consent, developers, public_accounts
from shared.web import CurrentPrincipal


class PublicRegistration(AccountCreate):
    kind: Literal["citizen", "legal_person"]
    credit_code: str | None = Field(
        None, description="统一社会信用代码 of a legal person", examples=["91340100MA2RMLXP3C"]
    )
    totp_required: bool = False


class AgentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(max_length=64)


class ApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, examples=["合肥公交到站查询"])
    description: str = Field("", max_length=1000)


class ApplicationView(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    name: str
    description: str
    approved_datasets: list[str]


class KeyView(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    per_minute: int
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApplicationWithKeys(ApplicationView):
    keys: list[KeyView] = []


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    per_minute: Annotated[int, Field(ge=1, le=6000)] = developers.DEFAULT_PER_MINUTE


class KeyPresented(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Field(max_length=200)


class KeyIssued(BaseModel):
    id: str
    key: str = Field(description="shown this once; store it safely")
    per_minute: int


router = APIRouter(tags=["public accounts and developers"])


@router.post("/register", response_model=AccountView, status_code=status.HTTP_201_CREATED)
async def register(deps: Deps, body: PublicRegistration) -> AccountView:
    fields = body.model_dump(include={"kind", "username", "password", "name", "credit_code", "email", "phone"})
    return AccountView.model_validate(await public_accounts.register_public(deps, **fields))


@router.post("/me/agents", status_code=status.HTTP_201_CREATED)
async def add_agent(deps: Deps, actor: CurrentPrincipal, body: AgentCreate) -> dict[str, str]:
    link = await public_accounts.authorise_agent(deps, actor, body.username)
    return {"legal_person_id": link.legal_person_id, "agent_id": link.agent_id}


@router.post("/apps", response_model=ApplicationView, status_code=status.HTTP_201_CREATED)
async def create_app(deps: Deps, actor: CurrentPrincipal, body: ApplicationCreate) -> ApplicationView:
    app = await developers.create_application(deps, actor, body.name, body.description)
    return ApplicationView.model_validate(app)


@router.get("/apps", response_model=list[ApplicationWithKeys])
async def my_apps(deps: Deps, actor: CurrentPrincipal) -> list[ApplicationWithKeys]:
    found = await developers.applications_of(deps, actor)
    return [
        ApplicationWithKeys.model_validate(app).model_copy(update={"keys": [KeyView.model_validate(k) for k in keys]})
        for app, keys in found
    ]


@router.get("/me/consents")
async def my_consents(deps: Deps, actor: CurrentPrincipal) -> list[dict[str, object]]:
    given = await consent.consents_of(deps, actor.subject)
    return [{"client_id": c.client_id, "scopes": c.scopes, "granted_at": c.granted_at} for c in given]


@router.delete("/me/consents/{client_id}", status_code=status.HTTP_204_NO_CONTENT)
async def withdraw(deps: Deps, actor: CurrentPrincipal, client_id: str) -> Response:
    await consent.withdraw_consent(deps, actor.subject, client_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/apps/{application_id}/keys", response_model=KeyIssued, status_code=status.HTTP_201_CREATED)
async def issue_key(deps: Deps, actor: CurrentPrincipal, application_id: str, body: KeyCreate) -> KeyIssued:
    record, key = await developers.issue_key(deps, actor, application_id, body.per_minute)
    return KeyIssued(id=record.id, key=key, per_minute=record.per_minute)


@router.delete("/apps/{application_id}/keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_key(deps: Deps, actor: CurrentPrincipal, application_id: str, key_id: str) -> Response:
    await developers.revoke_key(deps, actor, application_id, key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/keys/check", summary="Is this API key live, and what is its quota (the gateway asks)")
async def check_key(deps: Deps, actor: CurrentPrincipal, body: KeyPresented) -> dict[str, object]:
    check = await developers.check_key_for(deps, actor, body.key)
    return asdict(check)
