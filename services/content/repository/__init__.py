"""Queries of the content service. Tenant-scoped tables are filtered to the session's site automatically;
methods that look across sites say so with `all_sites=True`."""

from services.content.repository.audit import AuditQueries
from services.content.repository.base import ALL_SITES, ContentCaches
from services.content.repository.counters import CounterQueries
from services.content.repository.dictionaries import DictionaryQueries
from services.content.repository.documents import DocumentQueries
from services.content.repository.imports import ImportQueries
from services.content.repository.overview import OverviewQueries
from services.content.repository.placements import PlacementQueries
from services.content.repository.sites import SiteQueries


class ContentRepository(
    SiteQueries,
    DocumentQueries,
    ImportQueries,
    PlacementQueries,
    DictionaryQueries,
    AuditQueries,
    CounterQueries,
    OverviewQueries,
):
    """All the content service's queries on one session."""


__all__ = ["ALL_SITES", "ContentCaches", "ContentRepository"]
