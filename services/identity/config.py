"""Settings of the identity service (environment prefix IDENTITY_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class IdentitySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="IDENTITY_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/identity.db"
    issuer: str = Field(
        "http://127.0.0.1:8000/api/v1/identity", description="this provider's issuer: its public base URL"
    )
    resource_audience: str = Field("sitegroup", description="`aud` of access tokens: the platform's APIs")
    access_token_seconds: int = Field(600, ge=60, le=3600)
    id_token_seconds: int = Field(600, ge=60, le=3600)
    refresh_token_seconds: int = Field(30 * 86400, ge=3600, description="lifetime of a refresh-token family")
    code_seconds: int = Field(60, ge=10, le=600, description="authorization codes are single-use and short")
    session_seconds: int = Field(8 * 3600, ge=300, description="how long a login lasts at the provider")
    password_min_length: int = Field(10, ge=8)
    lockout_threshold: int = Field(5, ge=3, description="failed logins in a row before the account locks")
    lockout_seconds: int = Field(15 * 60, ge=60)
    failed_logins_per_address: int = Field(30, ge=5, description="failed logins from one address per window")
    failed_login_window_seconds: int = Field(600, ge=60)
    argon2_time_cost: int = Field(2, ge=1, description="argon2id passes (with 19 MiB: OWASP's minimum, ~17 ms)")
    argon2_memory_kib: int = Field(19 * 1024, ge=8 * 1024, description="argon2id memory (OWASP minimum: 19 MiB)")
    housekeeping_seconds: float = Field(600, gt=0, description="how often expired codes, tokens and sessions go")
    jwks_file: Path | None = Field(
        None, description="also write the public keys here (services on this host that read keys from a file)"
    )
    cookie_secure: bool = Field(False, description="mark the login session cookie Secure (on behind HTTPS)")
