"""The engines search can run on: embedded tantivy (default) and Elasticsearch (by URL)."""

from __future__ import annotations

from services.search.config import SearchSettings
from services.search.engines.base import SearchEngine


def create_engine(settings: SearchSettings) -> SearchEngine:
    if settings.engine_url == "embedded":
        from services.search.engines.tantivy_engine import TantivyEngine

        return TantivyEngine(settings.index_dir)
    if settings.engine_url.startswith(("http://", "https://")):
        from services.search.engines.elastic import ElasticEngine

        return ElasticEngine(settings.engine_url, settings.index_name)
    raise ValueError(f"SEARCH_ENGINE_URL: embedded or http(s)://host:port, not {settings.engine_url!r}")
