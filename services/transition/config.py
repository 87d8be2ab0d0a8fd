"""Settings of the migration service (environment prefix TRANSITION_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class TransitionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TRANSITION_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/transition.db"
    runner_enabled: bool = Field(True, description="run the jobs in this process (one runner per platform)")
    runner_poll_seconds: float = Field(1.0, gt=0, description="how often the runner looks for a job to run")
    stage_batch: int = Field(50, ge=1, le=1000, description="documents staged per transaction")
    import_backlog: int = Field(
        2_000, ge=1, description="staged documents waiting for the import at which the crawl pauses (until half)"
    )
    crawl_concurrency: int = Field(4, ge=1, le=32, description="requests in flight to a legacy site, at most")
    max_pages: int = Field(200_000, ge=1, description="pages one job reads, at most")
    max_file_bytes: int = Field(200 * 2**20, ge=1024, description="largest legacy file copied")
