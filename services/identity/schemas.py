"""Request and response bodies of the identity administration API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=r"^[a-z][a-z0-9._-]{2,63}$", examples=["zhangwei"])
    password: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=100, examples=["张伟"])
    email: str | None = Field(None, pattern=r"^[^@\s]{1,64}@[^@\s]{1,190}\.[a-z]{2,}$", max_length=200)
    phone: str | None = Field(None, pattern=r"^1[3-9][0-9]{9}$")
    organisation_id: str | None = None
    totp_required: bool = False


class AccountView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    username: str
    name: str
    assurance: int
    totp_required: bool
    created_at: datetime


class SiteStaffView(BaseModel):
    """A staff member as a site's admin sees them: who, and their roles on that site only."""

    account_id: str
    username: str
    name: str
    roles: list[str]
    disabled: bool


class GrantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site: str = Field(examples=["hefei", "*"])
    role: str = Field(examples=["editor", "reviewer:初审", "site_admin"])
    channels: list[int] | None = Field(None, max_length=500)


class GrantView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    account_id: str
    site_id: str
    role: str
    channels: list[int] | None
    granted_by: str
    granted_at: datetime


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: str
    name: str = Field(min_length=1, max_length=100)
    public: bool = False
    redirect_uris: list[str] = Field(default_factory=list, max_length=20)
    post_logout_redirect_uris: list[str] = Field(default_factory=list, max_length=20)
    backchannel_logout_uri: str | None = None
    grant_types: list[str] = Field(default_factory=lambda: ["authorization_code", "refresh_token"], min_length=1)
    scopes: list[str] = Field(default_factory=lambda: ["openid", "profile"], min_length=1)
    service_grants: list[GrantCreate] = Field(default_factory=list)
    first_party: bool = True


class ClientView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    public: bool
    redirect_uris: list[str]
    grant_types: list[str]
    scopes: list[str]
    client_secret: str | None = Field(None, description="shown once, at registration")


class AuditView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    site_id: str | None
    ip: str | None
    detail: str | None


class SitePolicyView(BaseModel):
    model_config = ConfigDict(extra="forbid")

    totp_required: bool = Field(description="every staff member with a role on the site signs in with TOTP")


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(examples=["hefei-gov"])
    name: str = Field(min_length=1, max_length=100, examples=["合肥市人民政府"])
    level: str = Field(examples=["city"])
    parent_id: str | None = None
    site_ids: list[str] = Field(default_factory=list, max_length=50)


class AssuranceSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: int = Field(ge=1, le=3, description="1 self-declared, 2 verified, 3 verified in person")
