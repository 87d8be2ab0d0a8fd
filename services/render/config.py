"""Settings of the render service (environment prefix RENDER_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class RenderSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RENDER_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/render.db"
    preview_suffix: str = Field(
        ".localhost", description="<site-id><suffix> serves that site too (development browsing without DNS)"
    )
    page_size: int = Field(20, ge=5, le=100, description="documents per channel list page")
    cache_enabled: bool = Field(True, description="keep rendered pages in memory (off only to measure rendering)")
    cache_max_pages: int = Field(20_000, ge=100, description="rendered pages kept in memory (LRU beyond)")
    max_age_seconds: int = Field(60, ge=0, description="Cache-Control max-age of pages")
    stale_seconds: int = Field(600, ge=0, description="Cache-Control stale-while-revalidate / stale-if-error")
    templates_dir: Path | None = Field(
        None, description="per-site template overrides: <dir>/<site-id>/<template>.html replaces the theme's"
    )
    templates_auto_reload: bool = Field(
        False, description="re-read changed templates and overrides without a restart (while designing a theme)"
    )
    mirror_enabled: bool = Field(True, description="write every published page as static HTML to the blob store")
    mirror_files_url: str | None = Field(
        None, description="where the public file URLs answer (the gateway), to copy attachments into the mirror"
    )
    views_every_seconds: float = Field(
        60.0, ge=0, description="how often the count of each document's pages read is sent (search ranks by it); 0: off"
    )
    interaction_url: str | None = Field(
        None, description="where the interaction API answers (the gateway): every site gets its 互动交流 pages"
    )
    opendata_url: str | None = Field(
        None, description="where the open-data API answers (the gateway): every site gets its 数据开放 pages"
    )
    form_max_bytes: int = Field(52 * 1024 * 1024, ge=1024, description="largest letter form (with files) taken")
    search_url: str | None = Field(
        None, description="where the search API answers (the gateway): every site gets a search box and /search/"
    )
    public_base_scheme: str = Field("https", description="scheme of canonical URLs on the sites' own domains")
