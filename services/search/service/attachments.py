"""The text of a live document's attachments, fetched from their public address and extracted once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from urllib.parse import quote

import httpx

from services.search.models import AttachmentText, Entry
from services.search.service.context import SearchUnitOfWork
from services.search.service.extraction import ExtractionProblem, extract_text
from shared.events.content import PublicState
from shared.logs import get_logger

log = get_logger("search.attachments")


class AttachmentReader:
    """Reads attachments over HTTP from where the public gets them (the gateway, or content in-process)."""

    def __init__(
        self, base_url: str, *, max_bytes: int, max_chars: int, transport: httpx.AsyncBaseTransport | None = None
    ):
        self.client = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=30.0)
        self.max_bytes = max_bytes
        self.max_chars = max_chars

    async def close(self) -> None:
        await self.client.aclose()

    async def read_missing(self, uow: SearchUnitOfWork, entries: Sequence[Entry]) -> None:
        """Extract the attachments of live entries not read before; each file's text (or why not) is kept."""
        wanted = {
            a["blob_key"]: (a, entry.snapshot.get("site", {}).get("main_domain", ""))
            for entry in entries
            if entry.kind == "document" and entry.state == PublicState.LIVE.value
            for a in entry.snapshot["document"].get("attachments", [])
            if a.get("public_id")
        }
        known = await uow.repo.attachment_texts(list(wanted))
        for blob_key, (attachment, host) in wanted.items():
            if blob_key not in known:
                text, problem = await self._read(attachment, host)
                uow.session.add(AttachmentText(blob_key=blob_key, text=text, problem=problem))
        await uow.session.flush()  # the batch being built reads them next, in this transaction

    async def _read(self, attachment: dict, host: str) -> tuple[str, str | None]:
        """As a visitor of the document's site fetches it: public files answer on their site's own host."""
        if attachment["size"] > self.max_bytes:
            return "", f"larger than {self.max_bytes} bytes"
        url = f"/api/v1/content/public/files/{attachment['public_id']}/{quote(attachment['filename'])}"
        try:
            response = await self.client.get(url, headers={"host": host} if host else None)
            response.raise_for_status()
            text = await asyncio.to_thread(  # CPU-bound: off the event loop
                extract_text,
                response.content,
                content_type=attachment["content_type"],
                filename=attachment["filename"],
                max_chars=self.max_chars,
            )
            return text, None
        except (httpx.HTTPError, ExtractionProblem) as exc:
            log.warning("attachment not read", url=url, problem=str(exc))
            return "", str(exc)[:300]
