"""The composition root of the search service: create_app(settings) builds everything, nothing before."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from services.search.api import curation, operations
from services.search.api.public import PREFIX, router
from services.search.config import SearchSettings
from services.search.consumers import register_consumers
from services.search.engines import create_engine
from services.search.engines.base import SearchEngine
from services.search.service.analytics import QueryRecorder
from services.search.service.attachments import AttachmentReader, PublicFiles, StoredFiles
from services.search.service.context import SearchDeps
from services.search.service.indexer import Indexer, mark_all_pending
from services.search.service.rebuild import Rebuilder
from shared.auth import JwksSource, TokenVerifier
from shared.auth.revocations import follow_revocations
from shared.blobs import BlobStore
from shared.bus import EventBus
from shared.db.migrate import Schema
from shared.events.content import DOCUMENTS_TOPIC, SITES_TOPIC
from shared.events.render import VIEWS_TOPIC
from shared.events.searchable import SEARCHABLE_TOPIC
from shared.runtime import ServiceRuntime
from shared.web import ReadinessCheck

SCHEMA = Schema("search", Path(__file__).parent / "migrations")


async def migrate(settings: SearchSettings) -> None:
    await SCHEMA.upgrade(settings.database_url)


class SearchRuntime(ServiceRuntime):
    """The search database (entries, curation, query log), the engine, the bus it follows; the indexer."""

    name = "search"

    def __init__(
        self,
        settings: SearchSettings,
        *,
        bus: EventBus | None = None,
        engine: SearchEngine | None = None,
        files: httpx.AsyncBaseTransport | None = None,
        stored_files: BlobStore | None = None,
    ) -> None:
        super().__init__(settings)
        self.settings = settings
        self.use_bus(settings, bus)
        self.deps = SearchDeps(self.database, engine or create_engine(settings), settings, QueryRecorder(self.database))
        self.attachments = self._attachments(settings, files, stored_files)
        self.indexer = Indexer(self.deps, self.attachments)
        self.rebuilder = Rebuilder(self.deps)
        self.verifier = TokenVerifier(
            JwksSource(settings.auth_jwks_url), issuer=settings.auth_issuer, audience=settings.auth_audience
        )
        self.workers += [self.indexer, self.deps.recorder]

    def _attachments(
        self, settings: SearchSettings, files: httpx.AsyncBaseTransport | None, stored: BlobStore | None
    ) -> AttachmentReader | None:
        """Attachments read from the content library's blob store when it is at hand, else from its public route."""
        if stored is not None:
            source: PublicFiles | StoredFiles = StoredFiles(stored)
        elif settings.files_url or files is not None:
            source = PublicFiles(settings.files_url or "http://content.internal", transport=files)
        else:
            return None
        limits = {"max_bytes": settings.attachment_max_bytes, "max_chars": settings.attachment_max_chars}
        return AttachmentReader(source, pool=self.deps.analysis.pool, **limits)

    async def prepare(self) -> None:
        if await self.deps.engine.open():
            await mark_all_pending(self.deps)  # a new or widened index: the indexer fills it from the entries
        self.deps.lexicon.add_all(await self.deps.engine.vocabulary(self.deps.lexicon.limit // 2))
        await self.deps.analysis.warm()
        async with self.deps.platform_uow() as uow:
            self.deps.sites.update({site.id: site.snapshot for site in await uow.repo.sites()})
        self.bus.declare([SITES_TOPIC, DOCUMENTS_TOPIC, VIEWS_TOPIC, SEARCHABLE_TOPIC])
        follow_revocations(self.bus, self.name, self.verifier.revocations)  # security: even without consumers
        if self.settings.consumers_enabled:
            register_consumers(self.bus, self.deps)

    async def close(self) -> None:
        self.deps.analysis.close()
        await self.deps.engine.close()
        if self.attachments is not None:
            await self.attachments.close()

    def readiness(self) -> dict[str, ReadinessCheck]:
        return {**super().readiness(), "engine": self._engine_ready}

    async def _engine_ready(self) -> bool:
        await self.deps.engine.count()
        return True


def create_app(
    settings: SearchSettings | None = None,
    *,
    bus: EventBus | None = None,
    engine: SearchEngine | None = None,
    files: httpx.AsyncBaseTransport | None = None,
    stored_files: BlobStore | None = None,
    access_log: bool = True,
) -> FastAPI:
    """Build the search service's app; attachments' text is read from `stored_files` (the content library's blob
    store, in one process with it), else from the public file URLs that `files` answers."""
    settings = settings or SearchSettings()
    runtime = SearchRuntime(settings, bus=bus, engine=engine, files=files, stored_files=stored_files)
    return runtime.app(
        title="搜索 Search",
        description="Search a site or the whole site group: Chinese words, pinyin, typos, synonyms, facets.",
        prefix=PREFIX,
        routers=[router, curation.router, operations.router],
        limit_for=lambda _path: settings.max_body_bytes,
        access_log=access_log,
        deps=runtime.deps,
        verifier=runtime.verifier,
        rebuilder=runtime.rebuilder,
    )
