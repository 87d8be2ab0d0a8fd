"""Queries of the check dictionaries, cached briefly (every pre-publish check reads them)."""

from __future__ import annotations

import time

from sqlalchemy import select

from services.content.models import PlatformCheckTerm, SiteCheckTerm, TopicCategory
from services.content.repository.base import Queries


class DictionaryQueries(Queries):
    """The platform's and the sites' check dictionaries."""

    async def check_terms(self, site_id: str) -> list[PlatformCheckTerm | SiteCheckTerm]:
        """Platform and site dictionaries; cached briefly, since every pre-publish check reads them."""
        cached = self.caches.terms.get(site_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        platform = await self._all(select(PlatformCheckTerm))
        own = await self._all(select(SiteCheckTerm).where(SiteCheckTerm.site_id == site_id))
        self.caches.terms[site_id] = (time.monotonic() + self.caches.terms_ttl, [*platform, *own])
        return self.caches.terms[site_id][1]

    def forget_terms(self) -> None:
        self.caches.terms.clear()
        self.caches.topics = (0.0, frozenset())

    async def topic_categories(self) -> list[TopicCategory]:
        return await self._all(select(TopicCategory).order_by(TopicCategory.position, TopicCategory.id))

    async def topic_names(self) -> frozenset[str]:
        """The 主题分类 a document may carry; cached briefly (every document written checks its category)."""
        until, names = self.caches.topics
        if until <= time.monotonic():
            names = frozenset(t.name for t in await self.topic_categories())
            self.caches.topics = (time.monotonic() + self.caches.terms_ttl, names)
        return names

    async def platform_terms(self) -> list[PlatformCheckTerm]:
        return await self._all(select(PlatformCheckTerm).order_by(PlatformCheckTerm.kind, PlatformCheckTerm.term))

    async def site_terms(self, site_id: str) -> list[SiteCheckTerm]:
        stmt = select(SiteCheckTerm).where(SiteCheckTerm.site_id == site_id)
        return await self._all(stmt.order_by(SiteCheckTerm.kind, SiteCheckTerm.term))
