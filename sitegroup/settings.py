"""Settings of the consolidated platform (environment prefix SITEGROUP_), and the per-service
defaults they imply: one SQLite file per service under the data directory, one in-process bus."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import TypeVar

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.console import ConsoleSettings
from services.content import ContentSettings
from services.identity import IdentitySettings
from services.interaction import InteractionSettings
from services.opendata import OpendataSettings
from services.render import RenderSettings
from services.search import SearchSettings
from services.transition import TransitionSettings
from shared.config import ServiceSettings, sqlite_url

S = TypeVar("S", bound=ServiceSettings)
SERVED = "served.json"  # in the data directory: where `sitegroup serve` last answered


class PlatformSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SITEGROUP_", extra="ignore")

    data_dir: Path = Field(Path("var"), description="databases, blobs and keys of the consolidated platform")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535, validation_alias=AliasChoices("PORT", "SITEGROUP_PORT"))
    seed_demo: bool = Field(True, description="seed the demo province on first start")
    migration_process: bool = Field(
        True, description="crawl migration jobs in a child process (another core), not on the platform's own loop"
    )
    log_level: str = "INFO"
    log_json: bool = False
    issuer: str | None = Field(
        None, description="issuer of the platform's tokens (default: the identity provider at base_url)"
    )

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def identity_issuer(self) -> str:
        return self.issuer or f"{self.base_url}/api/v1/identity"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def served_file(self) -> Path:
        return self.data_dir / SERVED

    def record_served(self) -> None:
        """Say where the server of this data directory answers, for the commands run beside it (dev-token)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.served_file.write_text(json.dumps({"host": self.host, "port": self.port}), encoding="utf-8")

    def as_served(self) -> PlatformSettings:
        """These settings at the address this data directory's server was last started on (its tokens' issuer
        names it), unless the environment names an address or an issuer itself."""
        if {"host", "port", "issuer"} & self.model_fields_set or not self.served_file.is_file():
            return self
        served = json.loads(self.served_file.read_text(encoding="utf-8"))
        return self.model_copy(update={"host": served["host"], "port": served["port"]})

    def service_defaults(self, name: str) -> dict[str, object]:
        root = self.data_dir.resolve()
        return {
            "database_url": sqlite_url(root / "data" / f"{name}.db"),
            "bus_url": "memory://",
            "blob_url": f"file://{root / 'blobs' / name}",
            "auth_issuer": self.identity_issuer,
            "auth_jwks_url": f"file://{root / 'keys' / 'jwks.json'}",
            "log_level": self.log_level,
            "log_json": self.log_json,
        }


def with_defaults(settings: S, defaults: dict[str, object]) -> S:
    """Consolidated defaults for whatever the environment did not set explicitly."""
    return settings.model_copy(update={k: v for k, v in defaults.items() if k not in settings.model_fields_set})


def content_settings(platform: PlatformSettings) -> ContentSettings:
    return with_defaults(ContentSettings(), platform.service_defaults("content"))


def render_settings(platform: PlatformSettings) -> RenderSettings:
    # the demo hosts are not served over TLS here: canonical URLs say http
    # `sitegroup mirror` copies attachments from the running platform (the server itself does it in-process)
    defaults = {
        **platform.service_defaults("render"),
        "public_base_scheme": "http",
        "mirror_files_url": platform.base_url,
    }
    return with_defaults(RenderSettings(), defaults)


def search_settings(platform: PlatformSettings) -> SearchSettings:
    """The embedded engine's index beside the databases; attachments read from content in-process."""
    defaults = {
        **platform.service_defaults("search"),
        "index_dir": platform.data_dir.resolve() / "data" / "search-index",
    }
    return with_defaults(SearchSettings(), defaults)


def interaction_settings(platform: PlatformSettings) -> InteractionSettings:
    """Mail links point at each site's own host here; its signing secret is made once per data directory."""
    defaults = {
        **platform.service_defaults("interaction"),
        "site_url_template": f"http://{{site}}.localhost:{platform.port}",
        "secret": SecretStr(_secret_file(platform, "interaction-secret")),
    }
    return with_defaults(InteractionSettings(), defaults)


def opendata_settings(platform: PlatformSettings) -> OpendataSettings:
    """The datastore in a SQLite file of its own beside the catalogue; the portal answers at the platform."""
    defaults = {
        **platform.service_defaults("opendata"),
        "datastore_url": f"sqlite:///{platform.data_dir.resolve() / 'data' / 'datastore.db'}",
        "portal_url": platform.base_url.rstrip("/") + "/",
    }
    return with_defaults(OpendataSettings(), defaults)


def transition_settings(platform: PlatformSettings) -> TransitionSettings:
    """Legacy files are copied into the content library's store: its documents adopt them where they lie. The jobs
    run in the platform's child process unless migration_process is off."""
    defaults = {
        **platform.service_defaults("transition"),
        "blob_url": platform.service_defaults("content")["blob_url"],
    }
    settings = with_defaults(TransitionSettings(), defaults)
    # One runner per platform: the child process's (sitegroup/runner_process.py), or the service's own.
    return settings.model_copy(update={"runner_enabled": False}) if platform.migration_process else settings


def identity_settings(platform: PlatformSettings) -> IdentitySettings:
    # The provider answers where the platform is served; the other services read its keys from a file.
    defaults = {
        **platform.service_defaults("identity"),
        "issuer": platform.identity_issuer,
        "jwks_file": platform.keys_dir.resolve() / "jwks.json",
    }
    return with_defaults(IdentitySettings(), defaults)


def console_settings(platform: PlatformSettings) -> ConsoleSettings:
    """The console answers on the platform's own address and calls its APIs there (in-process)."""
    defaults = {
        **platform.service_defaults("console"),
        "public_url": platform.base_url,
        "api_url": platform.base_url,
        "site_url": f"http://{{site_id}}.localhost:{platform.port}",
        "client_secret": SecretStr(console_secret(platform)),
    }
    return with_defaults(ConsoleSettings(), defaults)


def console_secret(platform: PlatformSettings) -> str:
    """The console's client secret at the provider: made once per data directory, readable by its owner only."""
    return _secret_file(platform, "console-client-secret")


def _secret_file(platform: PlatformSettings, name: str) -> str:
    """A random secret made once per data directory, readable by its owner only."""
    path = platform.keys_dir / name
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()
