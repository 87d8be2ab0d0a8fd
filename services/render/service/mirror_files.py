"""Files of mirrored articles (attachments), copied next to the pages at the URLs the pages link to, so a
mirror served by a plain web server has the documents' PDFs and images too."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from services.render.service.context import RenderDeps
from services.render.themes import attachment_path
from shared.events.content import PublicState
from shared.logs import get_logger
from shared.tenancy import site_blob_key

log = get_logger("render.mirror")

FileSource = Callable[[str, str], Awaitable[bytes | None]]  # (site_id, URL path) → the file, None if gone


class FileMirror:
    """Copies the files of the documents a mirror pass touched; files already mirrored are left alone."""

    def __init__(self, deps: RenderDeps, source: FileSource | None) -> None:
        self.deps = deps
        self.source = source
        self.copied = 0

    async def copy_for(self, site_id: str, doc_ids: set[int]) -> None:
        if self.source is None:
            return
        async with self.deps.site_uow(site_id) as uow:
            views = [await uow.repo.placed_document(doc_id) for doc_id in sorted(doc_ids)]
        for view in views:
            if view is None or view.state != PublicState.LIVE:
                continue
            for attachment in view.snapshot.get("attachments", []):
                await self._copy(site_id, view.snapshot["site_id"], attachment)

    async def _copy(self, site_id: str, owner_site: str, attachment: dict[str, Any]) -> None:
        if attachment["filename"] in ("", ".", "..") or "/" in attachment["filename"]:
            log.warning("mirror_file_unnamable", site_id=site_id, attachment_id=attachment["id"])
            return
        key = site_blob_key(site_id, "mirror", attachment_path(owner_site, attachment, quoted=False).lstrip("/"))
        if await self.deps.blobs.exists(key):
            return
        try:
            body = await self.source(site_id, attachment_path(owner_site, attachment))  # type: ignore[misc]
        except httpx.HTTPError as exc:  # copied by a later pass (files already there are skipped)
            log.warning("mirror_file_unreachable", site_id=site_id, attachment_id=attachment["id"], error=str(exc))
            return
        if body is None:
            log.warning("mirror_file_missing", site_id=site_id, attachment_id=attachment["id"])
            return
        await self.deps.blobs.put(key, body, attachment.get("content_type") or "application/octet-stream")
        self.copied += 1


class HttpFiles:
    """A FileSource over HTTP: the public file URLs, fetched from where the platform serves them."""

    def __init__(self, base_url: str, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=30)

    async def __call__(self, site_id: str, path: str) -> bytes | None:
        response = await self.client.get(path)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.content

    async def close(self) -> None:
        await self.client.aclose()
