"""Typed settings shared by every service; each service subclasses with its own env prefix."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """What every service needs: where its database, bus, blobs and token keys are."""

    model_config = SettingsConfigDict(extra="ignore", env_file=None)

    database_url: str = Field(
        "sqlite+aiosqlite:///var/data/service.db",
        description="sqlite+aiosqlite:///path or postgresql+asyncpg://user@host:port/db",
    )
    bus_url: str = Field("memory://", description="memory:// (in-process) or kafka://host:port[,host:port]")
    blob_url: str = Field("file://var/blobs", description="file://dir or s3://key:secret@host:port/bucket?secure=false")
    auth_issuer: str = Field("http://127.0.0.1:8000/api/v1/identity", description="expected `iss` of access tokens")
    auth_audience: str = Field("sitegroup", description="expected `aud` of access tokens")
    auth_jwks_url: str = Field(
        "file://var/keys/jwks.json", description="JWKS used to verify tokens: file://path or http(s)://…"
    )
    max_body_bytes: int = Field(2 * 1024 * 1024, ge=1024, description="largest JSON request body accepted")
    relay_enabled: bool = Field(True, description="run the outbox relay inside the service process")
    consumers_enabled: bool = Field(True, description="run the service's event consumers inside its process")
    relay_batch_size: int = Field(500, ge=1, le=10_000)
    relay_poll_seconds: float = Field(0.05, gt=0, description="outbox poll interval when no commit woke the relay")
    consumer_max_retries: int = Field(3, ge=0, description="handler retries before a message goes to the DLQ")
    log_level: str = Field("INFO")
    log_json: bool = Field(True)


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of an SQLite file, as the embedded backend uses."""
    return f"sqlite+aiosqlite:///{path}"
