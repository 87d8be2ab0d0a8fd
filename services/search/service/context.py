"""What the search use cases share: sessions, the engine, the analyzer and its speller, settings."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

from services.search.analysis import Analyzer, Lexicon
from services.search.config import SearchSettings
from services.search.engines.base import SearchEngine
from services.search.repository import SearchRepository
from services.search.service.analysis_pool import AnalysisPool
from shared.db.engine import Database
from shared.db.uow import UnitOfWork
from shared.tenancy import PLATFORM, TenantScope, site_scope

if TYPE_CHECKING:
    from services.search.service.analytics import QueryRecorder


class SearchUnitOfWork(UnitOfWork):
    repo: SearchRepository

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.repo = SearchRepository(self.session, self.execute)
        return self


@dataclass
class SearchDeps:
    """Everything the use cases need, built once by create_app()."""

    database: Database
    engine: SearchEngine
    settings: SearchSettings
    recorder: QueryRecorder
    analyzer: Analyzer = field(default_factory=Analyzer)
    sites: dict[str, dict[str, Any]] = field(default_factory=dict)  # site id → its snapshot (names, scopes)
    curations: dict[str, Any] = field(default_factory=dict)  # site id → its Curation (service.curation)
    indexed: asyncio.Event = field(default_factory=asyncio.Event)  # set when the indexer has caught up
    wake_indexer: asyncio.Event = field(default_factory=asyncio.Event)
    lexicon: Lexicon = field(init=False)
    analysis: AnalysisPool = field(init=False)

    def __post_init__(self) -> None:
        self.lexicon = Lexicon(self.analyzer.knows)
        self.lexicon.add_all(self.analyzer.terms)
        self.analysis = AnalysisPool(self.analyzer, self.settings.analysis_workers)

    def uow(self, scope: TenantScope) -> SearchUnitOfWork:
        return SearchUnitOfWork(self.database, scope=scope)

    def site_uow(self, site_id: str) -> SearchUnitOfWork:
        return self.uow(site_scope(site_id))

    def platform_uow(self) -> SearchUnitOfWork:
        """Events and public searches span sites; curation by an editor uses the site's own scope."""
        return self.uow(PLATFORM)
