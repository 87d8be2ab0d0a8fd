"""Settings of the content service (environment prefix CONTENT_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class ContentSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONTENT_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/content.db"
    max_upload_bytes: int = Field(50 * 1024 * 1024, ge=1024, description="largest attachment accepted")
    max_image_pixels: int = Field(40_000_000, ge=10_000, description="larger images are refused (decompression bombs)")
    rendition_widths: list[int] = Field([320, 800], description="image widths made at upload")
    scheduler_enabled: bool = Field(True, description="run scheduled publish/expiry inside this process")
    scheduler_interval_seconds: float = Field(5.0, gt=0)
    page_size_max: int = Field(100, ge=1, le=1000)
    site_changes_need_approval: bool = Field(
        False,
        description="opening, closing (关停) and merging (整合) a site wait for another platform operator's approval",
    )
    preview_suffix: str = Field(
        ".localhost", description="<site-id><suffix> is that site's host too (as RENDER_PREVIEW_SUFFIX): its files"
    )
