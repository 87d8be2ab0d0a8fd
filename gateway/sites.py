"""Host → site: which tenant a request is for, asked of the content service and cached briefly."""

from __future__ import annotations

import time
from dataclasses import dataclass

from gateway.services import ServiceClients


@dataclass(frozen=True, slots=True)
class SiteRef:
    site_id: str
    is_main: bool
    main_domain: str
    status: str


class SiteResolver:
    def __init__(self, clients: ServiceClients, *, preview_suffix: str, ttl: float) -> None:
        self.clients = clients
        self.preview_suffix = preview_suffix
        self.ttl = ttl
        self._cache: dict[str, tuple[float, SiteRef | None]] = {}

    async def resolve(self, host: str) -> SiteRef | None:
        name = host.split(":", 1)[0].strip().lower().rstrip(".")
        cached = self._cache.get(name)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        ref = await self._lookup(name)
        self._cache[name] = (time.monotonic() + self.ttl, ref)
        return ref

    async def _lookup(self, name: str) -> SiteRef | None:
        content = self.clients.client("content")
        if self.preview_suffix and name.endswith(self.preview_suffix):
            site_id = name.removesuffix(self.preview_suffix)
            response = await content.get(f"/api/v1/content/public/sites/{site_id}")
            if response.status_code != 200:
                return None
            site = response.json()
            return SiteRef(site["id"], True, site["main_domain"], site["status"])
        response = await content.get(f"/api/v1/content/hosts/{name}")
        if response.status_code != 200:
            return None
        found = response.json()
        return SiteRef(found["site_id"], found["is_main"], found["main_domain"], found["status"])
