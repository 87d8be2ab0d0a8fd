"""Settings of the open-data portal (environment prefix OPENDATA_)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class OpendataSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="OPENDATA_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/opendata.db"
    datastore_url: str = Field(
        "sqlite:///var/data/datastore.db",
        description="where loaded tables live: a SQLite file of their own, or a PostgreSQL database (postgresql://…)",
    )
    datastore_slow_ms: float = Field(
        20.0, ge=0, description="a kind of search slower than this, three times, gets a composite index on its table"
    )
    max_upload_bytes: int = Field(200 * 2**20, ge=1024, description="largest file a publisher uploads")
    rows_max: int = Field(32_000, ge=100, description="most records one datastore_search returns (CKAN's rows_max)")
    sql_enabled: bool = Field(False, description="datastore_search_sql: off unless the portal chooses to offer it")
    sql_timeout_ms: int = Field(5_000, ge=100, description="a SQL search is cancelled after this long")
    portal_title: str = Field("安徽省公共数据开放平台", description="the catalogue's name (DCAT, status_show)")
    portal_url: str = Field("http://localhost:8000/", description="the portal's address: DCAT IRIs and links")
    publisher_name: str = Field("安徽省数据资源管理局", description="who publishes the catalogue as a whole")
    usage_flush_seconds: float = Field(5.0, gt=0, description="how often call and download counts are written")
    key_check_ttl_seconds: float = Field(30.0, gt=0, description="how long an API key's check is remembered")
    identity_url: str | None = Field(
        None, description="the identity service (the gateway) to check API keys at; unset: keys are not accepted"
    )
    client_id: str = Field("opendata", description="this service's client at the identity provider (key checks)")
    client_secret: SecretStr = Field(SecretStr(""), description="its secret (the client holds the gateway role)")
