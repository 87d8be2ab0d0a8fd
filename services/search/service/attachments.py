"""The text of a live document's attachments, read once: from where the public gets them (the content service's
public file route), or in one process with the content library from its blob store directly."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import TypeVar
from urllib.parse import quote

import httpx

from services.search.models import Entry
from services.search.service.extraction import ExtractionProblem, extract_text
from shared.blobs import BlobNotFound, BlobStore
from shared.cpu import WorkerPool
from shared.events.content import PublicState
from shared.logs import get_logger

log = get_logger("search.attachments")
T = TypeVar("T")
# Files read and extracted together, up to this many bytes: each is a thread's read and a worker's extraction,
# and one at a time waited a turn of a busy event loop for each step (a migration's import: 4 files a second).
READ_BUDGET = 64 * 1024 * 1024


class PublicFiles:
    """Attachments over HTTP, as a visitor of the document's site fetches them: on their site's own host."""

    def __init__(self, base_url: str, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=30.0)

    async def __call__(self, attachment: dict, host: str) -> bytes:
        url = f"/api/v1/content/public/files/{attachment['public_id']}/{quote(attachment['filename'])}"
        response = await self.client.get(url, headers={"host": host} if host else None)
        response.raise_for_status()
        return response.content

    async def close(self) -> None:
        await self.client.aclose()


class StoredFiles:
    """Attachments from the content library's blob store, where their events' blob keys point (the consolidated
    platform shares it in-process): a request through the content service for each cost ten times the read."""

    def __init__(self, blobs: BlobStore) -> None:
        self.blobs = blobs

    async def __call__(self, attachment: dict, host: str) -> bytes:
        return await self.blobs.get(attachment["blob_key"])

    async def close(self) -> None:
        return None


class AttachmentReader:
    """Each live attachment's text, extracted once (in a worker process where a core is spare) and kept."""

    def __init__(
        self, source: PublicFiles | StoredFiles, *, max_bytes: int, max_chars: int, pool: WorkerPool | None = None
    ) -> None:
        self.source = source
        self.max_bytes = max_bytes
        self.max_chars = max_chars
        self.pool = pool or WorkerPool("search.attachments", 0)

    async def close(self) -> None:
        await self.source.close()

    async def read_missing(self, entries: Sequence[Entry], known: Collection[str]) -> dict[str, tuple[str, str | None]]:
        """Extract the attachments of live entries not in `known`: each file's text, or why there is none. Called
        outside any transaction: a big PDF takes seconds, and the consumers write to the same database meanwhile."""
        wanted = {
            a["blob_key"]: (a, entry.snapshot.get("site", {}).get("main_domain", ""))
            for entry in entries
            if entry.kind == "document" and entry.state == PublicState.LIVE.value
            for a in entry.snapshot["document"].get("attachments", [])
            if a.get("public_id") and a["blob_key"] not in known
        }
        read: dict[str, tuple[str, str | None]] = {}
        for group in _by_budget(wanted, lambda item: item[0]["size"] if item[0]["size"] <= self.max_bytes else 0):
            texts = await asyncio.gather(*(self._read(attachment, host) for attachment, host in group.values()))
            read.update(zip(group, texts, strict=True))
        return read

    async def _read(self, attachment: dict, host: str) -> tuple[str, str | None]:
        if attachment["size"] > self.max_bytes:
            return "", f"larger than {self.max_bytes} bytes"
        try:
            body = await self.source(attachment, host)
            return await self._text(body, attachment), None
        except (httpx.HTTPError, BlobNotFound, ExtractionProblem) as exc:
            log.warning("attachment not read", blob_key=attachment["blob_key"], problem=str(exc))
            return "", str(exc)[:300]

    async def _text(self, body: bytes, attachment: dict) -> str:
        """CPU-bound: in a worker process where there is one, else in a thread (a big PDF takes seconds)."""
        kind, name = attachment["content_type"], attachment["filename"]
        if self.pool.workers:
            return await self.pool.run(extract_text, body, content_type=kind, filename=name, max_chars=self.max_chars)
        return await asyncio.to_thread(extract_text, body, content_type=kind, filename=name, max_chars=self.max_chars)


def _by_budget(items: dict[str, T], size: Callable[[T], int]) -> Iterator[dict[str, T]]:
    """`items` in groups of at most READ_BUDGET bytes (a bigger one alone), in their order."""
    group: dict[str, T] = {}
    total = 0
    for key, item in items.items():
        if group and total + size(item) > READ_BUDGET:
            yield group
            group, total = {}, 0
        group[key] = item
        total += size(item)
    if group:
        yield group
