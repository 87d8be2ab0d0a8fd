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
    proxy_timeout_seconds: float = Field(10.0, gt=0, description="how long the gateway waits for a service")
    cors_public_prefixes: list[str] = Field(
        ["/api/v1/content/public/", "/api/v1/content/sites", "/api/v1/search", "/api/v1/search/suggest"],
        description="API paths any web page may read (CORS *; a path ending in / covers all below it)",
    )
    rate_per_ip: float = Field(100.0, ge=0, description="API requests per second per client IP (0: no limit)")
    burst_per_ip: int = Field(200, ge=1)
    rate_per_api_key: float = Field(20.0, ge=0, description="API requests per second per X-API-Key (0: no limit)")
    burst_per_api_key: int = Field(40, ge=1)
    page_rate_per_ip: float = Field(100.0, ge=0, description="page requests per second per client IP (0: no limit)")
    page_burst_per_ip: int = Field(300, ge=1)
    identity_client_id: str | None = Field(
        None, description="distributed mode: the gateway's client at the identity service, to check API keys"
    )
    identity_client_secret: str | None = Field(None, description="its client secret")
    access_log: bool = True
