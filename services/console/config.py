"""Settings of the staff console (environment prefix CONSOLE_)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class ConsoleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONSOLE_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/console.db"
    public_url: str = Field(
        "http://127.0.0.1:8000", description="the platform's own address; the console answers at <public_url>/console/"
    )
    api_url: str = Field("http://127.0.0.1:8000", description="where the platform's APIs answer (the gateway)")
    client_id: str = Field("console", description="the console's client at the identity provider")
    client_secret: SecretStr = Field(SecretStr(""), description="its client secret (confidential client)")
    site_url: str = Field(
        "https://{main_domain}",
        description="a site's own address, from {main_domain} or {site_id} (previews open on the site's host)",
    )
    idle_minutes: int = Field(30, ge=5, le=480, description="a session unused this long ends (等保: idle timeout)")
    session_hours: int = Field(10, ge=1, le=24, description="a session ends this long after sign-in, used or not")
    login_seconds: int = Field(600, ge=60, le=3600, description="how long a started sign-in may take")
    api_timeout_seconds: float = Field(10.0, gt=0)
    page_size: int = Field(20, ge=10, le=100, description="rows per page of the console's lists")

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}/console/callback"

    @property
    def backchannel_logout_uri(self) -> str:
        return f"{self.public_url}/console/backchannel-logout"

    @property
    def signed_out_uri(self) -> str:
        return f"{self.public_url}/console/signed-out"
