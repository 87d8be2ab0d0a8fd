"""Settings of the search service (environment prefix SEARCH_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings
from shared.cpu import spare_workers


class SearchSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SEARCH_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/search.db"
    engine_url: str = Field(
        "embedded", description="embedded (tantivy under index_dir) or http://host:9200 (Elasticsearch 8.x)"
    )
    index_dir: Path = Field(Path("var/data/search-index"), description="where the embedded engine keeps its index")
    index_name: str = Field("sitegroup", description="Elasticsearch alias the search service reads and writes")
    files_url: str | None = Field(
        None, description="where the public file URLs answer (the gateway), to index the text of attachments"
    )
    attachment_max_bytes: int = Field(20 * 1024 * 1024, ge=0, description="larger attachments are not read")
    attachment_max_chars: int = Field(200_000, ge=0, description="text kept per attachment")
    recency_weight: float = Field(0.3, ge=0, le=5, description="how much a new document outranks an old one")
    recency_half_life_days: float = Field(365, gt=0, description="age at which the recency boost halves")
    popularity_weight: float = Field(0.1, ge=0, le=5, description="how much page views raise a result")
    rescore_window: int = Field(100, ge=10, le=1000, description="top results re-ranked by recency and popularity")
    max_offset: int = Field(1000, ge=10, description="deepest relevance page; sort=date pages on with a cursor")
    index_batch: int = Field(200, ge=1, le=5000, description="entries the indexer takes per engine commit")
    analysis_workers: int = Field(
        default_factory=lambda: spare_workers(2),
        ge=0,
        le=16,
        description="processes that segment and spell documents for the index (0: the service's own process)",
    )
