"""Files of mirrored articles (attachments, cover images), copied next to the pages at the URLs the pages link to,
so a mirror served by a plain web server has the documents' PDFs and images too; a document taken down takes its
files out of the mirror with it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from services.render.service.context import RenderDeps
from services.render.themes import FILES, file_path
from shared.events.content import PublicState
from shared.logs import get_logger
from shared.tenancy import site_blob_key

log = get_logger("render.mirror")

FileSource = Callable[[str, str], Awaitable[bytes | None]]  # (host, public file path) → the file, None if gone
CONTENT_FILES = "/api/v1/content/public/files"  # where /files/… answers on the content service and the gateway
CHUNK = 500  # documents whose views are read at once


def _public_files(snapshot: dict[str, Any]) -> list[tuple[str, str]]:
    """(public path unquoted, content type) of every file a document's page links: attachments and cover images."""
    files = [(file_path(a, quoted=False), a.get("content_type", "")) for a in snapshot.get("attachments", [])]
    if cover := snapshot.get("cover"):
        files += [(file_path(cover, name), "") for name in cover.get("renditions", {})]
    return [(path, kind) for path, kind in files if path and path.rsplit("/", 1)[-1] not in ("", ".", "..")]


class FileMirror:
    """Copies the files of the live documents a mirror pass touched (files already there are left alone), and
    deletes those of documents that went down."""

    def __init__(self, deps: RenderDeps, source: FileSource | None) -> None:
        self.deps = deps
        self.source = source
        self.copied = 0

    async def copy_for(self, site_id: str, doc_ids: set[int]) -> None:
        """The documents' files, their views read a chunk at a time (a whole site's would be its every document)."""
        if self.source is None:
            return
        ids = sorted(doc_ids)
        for start in range(0, len(ids), CHUNK):
            async with self.deps.site_uow(site_id) as uow:
                views = await uow.repo.placed_documents(ids[start : start + CHUNK])
            await self._copy_views(site_id, views)

    async def _copy_views(self, site_id: str, views: list[Any]) -> None:
        site = self.deps.hosts.site(site_id)
        for view in views:
            for path, kind in _public_files(view.snapshot):
                key = site_blob_key(site_id, "mirror", path.lstrip("/"))
                if view.state != PublicState.LIVE:
                    await self.deps.blobs.delete(key)
                elif site is not None:
                    await self._copy(site["main_domain"], key, path, kind)

    async def _copy(self, host: str, key: str, path: str, content_type: str) -> None:
        if await self.deps.blobs.exists(key):
            return
        try:
            body = await self.source(host, path)  # type: ignore[misc]
        except httpx.HTTPError as exc:  # copied by a later pass (files already there are skipped)
            log.warning("mirror_file_unreachable", host=host, path=path, error=str(exc))
            return
        if body is None:
            log.warning("mirror_file_missing", host=host, path=path)
            return
        await self.deps.blobs.put(key, body, content_type or "application/octet-stream")
        self.copied += 1


class HttpFiles:
    """A FileSource over HTTP: a file's public path fetched from the content service's public file route (or the
    gateway, which answers it too), with the site's host, as a visitor's browser would get it."""

    def __init__(self, base_url: str, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=30)

    async def __call__(self, host: str, path: str) -> bytes | None:
        url = CONTENT_FILES + path.removeprefix(FILES)
        response = await self.client.get(url, headers={"host": host})
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return response.content

    async def close(self) -> None:
        await self.client.aclose()
