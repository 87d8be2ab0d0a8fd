"""Settings of the gateway (environment prefix GATEWAY_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_urls: dict[str, str] = Field(
        default_factory=dict,
        description="service name → base URL (distributed mode); services mounted in-process need none",
    )
    preview_suffix: str = Field(
        ".localhost", description="<site-id><suffix> serves that site too (development browsing without DNS)"
    )
    site_cache_seconds: float = Field(30.0, ge=0, description="how long a host → site answer is reused")
    access_log: bool = True
