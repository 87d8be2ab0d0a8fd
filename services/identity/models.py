"""The identity service's tables: organisations, accounts, role grants, clients, keys, codes, tokens, audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.clock import utcnow
from shared.db.types import BigId, Json, UtcDateTime, service_metadata
from shared.messaging.tables import OutboxBase


class Base(DeclarativeBase):
    metadata = service_metadata()


class Organisation(Base):
    """One node of the organisation tree (province → city → county → department); sites belong to one."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(12))  # province | city | county | department
    site_ids: Mapped[list[str]] = mapped_column(Json, default=list)


class Account(Base):
    """A person (staff or citizen) or a legal person (法人) who signs in at the provider."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # stable `sub`
    kind: Mapped[str] = mapped_column(String(12))  # staff | citizen | legal_person
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)  # 统一社会信用代码 of a legal person
    assurance: Mapped[int] = mapped_column(Integer, default=1)  # 1 self-declared, 2 verified, 3 in person
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_required: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_pending: Mapped[str | None] = mapped_column(String(64))  # shown at enrolment, kept once confirmed
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SitePolicy(Base):
    """What a site asks of its staff's sign-in (set by the security admin)."""

    __tablename__ = "site_policies"

    site_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    totp_required: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class RoleGrant(Base):
    """One role of an account on one site (or `*`), optionally narrowed to channels."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("account_id", "site_id", "role", name="uq_role_grants_account_site_role"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    site_id: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(40))
    channels: Mapped[list[int] | None] = mapped_column(Json)
    granted_by: Mapped[str] = mapped_column(String(40))
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Client(Base):
    """A relying party or service registered by a platform operator."""

    __tablename__ = "clients"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # client_id
    name: Mapped[str] = mapped_column(String(100))
    public: Mapped[bool] = mapped_column(Boolean)  # public clients have no secret and must use PKCE
    secret_hash: Mapped[str | None] = mapped_column(String(200))
    redirect_uris: Mapped[list[str]] = mapped_column(Json, default=list)
    post_logout_redirect_uris: Mapped[list[str]] = mapped_column(Json, default=list)
    backchannel_logout_uri: Mapped[str | None] = mapped_column(String(500))
    grant_types: Mapped[list[str]] = mapped_column(Json)
    scopes: Mapped[list[str]] = mapped_column(Json)  # what it may ask for
    service_grants: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)  # roles of its own tokens
    first_party: Mapped[bool] = mapped_column(Boolean, default=True)  # platform sites: no consent page
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class SigningKey(Base):
    """A signing key: `next` is published before it signs, `active` signs, `retired` still verifies."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(String(10))  # next | active | retired
    private_jwk: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class LoginSession(Base):
    """A login at the provider (the SSO session behind the cookie); `sid` in ID and logout tokens."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sid
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha-256 of the cookie value
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    amr: Mapped[list[str]] = mapped_column(Json)
    acr: Mapped[str] = mapped_column(String(40))
    auth_time: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    clients: Mapped[list[str]] = mapped_column(Json, default=list)  # who got tokens: back-channel logout


class AuthorizationCode(Base):
    """A single-use code (stored hashed) bound to its client, redirect URI and PKCE challenge."""

    __tablename__ = "authorization_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[str] = mapped_column(ForeignKey("login_sessions.id"))
    redirect_uri: Mapped[str] = mapped_column(String(500))
    scope: Mapped[str] = mapped_column(String(500))
    nonce: Mapped[str | None] = mapped_column(String(200))
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    family_id: Mapped[str | None] = mapped_column(String(40))  # the tokens it gave: revoked if replayed


class RefreshToken(Base):
    """One refresh token (hashed) of a rotation family; presenting a used one revokes the family."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index("ix_refresh_tokens_family", "family_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_id: Mapped[str] = mapped_column(String(40))
    client_id: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    session_id: Mapped[str | None] = mapped_column(ForeignKey("login_sessions.id"), index=True)
    scope: Mapped[str] = mapped_column(String(500))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RevokedToken(Base):
    """Access tokens revoked before they expire (RFC 7009); introspection answers inactive for them."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditRecord(Base):
    """Append-only: who did what to whom, from where; the auditor (审计管理员) reads and exports it."""

    __tablename__ = "audit_records"
    __table_args__ = (Index("ix_audit_records_at", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str | None] = mapped_column(String(200))
    site_id: Mapped[str | None] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)


class Agent(Base):
    """A person a legal person (法人) has authorised to act for it (经办人)."""

    __tablename__ = "agents"
    __table_args__ = (UniqueConstraint("legal_person_id", "agent_id", name="uq_agents_legal_person_agent"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    legal_person_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Application(Base):
    """A developer's application that calls the open APIs with API keys."""

    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(1000), default="")
    # 有条件开放: datasets whose use an owner of the data approved for this application (the open-data hook)
    approved_datasets: Mapped[list[str]] = mapped_column(Json, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ApiKey(Base):
    """An API key: shown once, stored as SHA-256, found by its public prefix, revocable, with its own quota."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # the public part: sgk_<id>_<secret>
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    per_minute: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Consent(Base):
    """What a person allowed a third-party client to know (first-party platform sites need none)."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("account_id", "client_id", name="uq_consents_account_client"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"))
    scopes: Mapped[list[str]] = mapped_column(Json)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Outbox(OutboxBase, Base):
    """Revocations on their way to every service (identity.tokens.revoked.v1)."""
