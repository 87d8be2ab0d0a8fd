"""搜索 — the search service: one index of the site group, searched by site or across it.

This module is the service's face: what the composer (sitegroup), the benchmarks and other services' tests
may use. Nothing else of the service is imported from outside it (the import contracts in pyproject.toml).
"""

from services.search.config import SearchSettings
from services.search.main import SCHEMA, SearchRuntime, create_app, migrate

__all__ = ["SCHEMA", "SearchRuntime", "SearchSettings", "create_app", "migrate"]
