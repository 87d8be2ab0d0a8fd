"""Legacy files — the 公告's PDF, the 申请表, the pictures — copied into the blob store under the target site,
each stored once however many pages link it (its key is its SHA-256), streamed through a temporary file past a
few MB so a 200 MB file costs no memory, and refused with a reason when it is missing, too large or not what it
says."""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

import filetype
import httpx

from services.transition.sources.base import guess_type
from services.transition.sources.crawl import USER_AGENT, Pacer
from services.transition.sources.http11 import Http11Transport
from shared.blobs import BlobStore
from shared.tenancy import site_blob_key

CHUNK = 1 << 16
HELD_IN_MEMORY = 4 << 20  # bytes of a download kept in memory; a larger file goes through a temporary file


@dataclass(frozen=True, slots=True)
class CopiedFile:
    url: str
    blob_key: str
    filename: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class FileProblem:
    url: str
    reason: str


class FileCopier:
    def __init__(
        self, client: httpx.AsyncClient, blobs: BlobStore, site_id: str, *, max_bytes: int, pacer: Pacer | None = None,
        transport: Http11Transport | None = None,
    ) -> None:  # fmt: skip
        """`transport`: the client's own, when it is the crawl's HTTP/1.1, read without httpx's objects."""
        self.client, self.blobs, self.site_id, self.max_bytes = client, blobs, site_id, max_bytes
        self.pacer = pacer or Pacer(0)
        self.transport = transport

    async def copy(self, url: str) -> CopiedFile | FileProblem:
        held = Held()
        try:
            try:
                got = await self._download(url, held)
            except httpx.HTTPError as exc:
                return FileProblem(url, f"下载失败：{type(exc).__name__}")
            if isinstance(got, FileProblem):
                return got
            size, digest, declared = got
            media_type = media_type_of(held.content, declared, url)
            name = filename_of(url)
            if "text/html" in (media_type, declared) and guess_type(url) != "text/html":
                return FileProblem(url, "原站返回的是网页而不是文件（文件可能已被删除）")
            key = site_blob_key(self.site_id, "migrated", digest[:2], digest + PurePosixPath(name).suffix.lower())
            if not await self.blobs.exists(key):
                await held.store(self.blobs, key, media_type)
            return CopiedFile(url, key, name, media_type, size, digest)
        finally:
            held.close()

    async def _download(self, url: str, held: Held) -> tuple[int, str, str | None] | FileProblem:
        await self.pacer.wait()
        digest, size = hashlib.sha256(), 0
        async with self._get(url) as (status, headers, chunks):
            if status != 200:
                return FileProblem(url, f"原站返回 {status}")
            length = int(headers.get("content-length") or 0)
            if length > self.max_bytes:
                return FileProblem(url, f"文件超过 {self.max_bytes // 2**20} MB")
            async for chunk in chunks:
                size += len(chunk)
                if size > self.max_bytes:
                    return FileProblem(url, f"文件超过 {self.max_bytes // 2**20} MB")
                digest.update(chunk)
                held.write(chunk)
            declared = headers.get("content-type")
        return size, digest.hexdigest(), declared.split(";")[0].strip() if declared else None

    @contextlib.asynccontextmanager
    async def _get(self, url: str) -> AsyncIterator[tuple[int, Mapping[str, str], AsyncIterator[bytes]]]:
        """The answer's status, headers and body as it arrives, redirects followed."""
        if self.transport is not None:  # files come as they are (already compressed, most of them)
            headers = {"user-agent": USER_AGENT, "accept-encoding": "identity"}
            async with self.transport.stream(url, headers, self.client.timeout.as_dict()) as answer:
                yield answer.status, answer.headers, answer.chunks()
            return
        async with self.client.stream("GET", url, headers={"user-agent": USER_AGENT}, follow_redirects=True) as answer:
            yield answer.status_code, answer.headers, answer.aiter_bytes(CHUNK)


class Held:
    """A download's bytes: in memory while small (most attachments: no temporary directory made and removed for
    each), in a temporary file past HELD_IN_MEMORY, so a 200 MB file costs no memory."""

    def __init__(self) -> None:
        self.data = bytearray()
        self._directory: tempfile.TemporaryDirectory | None = None
        self._file: BinaryIO | None = None

    def write(self, chunk: bytes) -> None:
        if self._file is None and len(self.data) + len(chunk) > HELD_IN_MEMORY:
            self._directory = tempfile.TemporaryDirectory(prefix="migration-file-")
            self._file = (Path(self._directory.name) / "file").open("wb")
            self._file.write(self.data)
            self.data = bytearray()
        if self._file is None:
            self.data += chunk
        else:
            self._file.write(chunk)

    @property
    def content(self) -> Path | bytes:
        """The file's path once spilled (written out whole), else its bytes."""
        if self._file is None:
            return bytes(self.data)
        self._file.flush()
        return Path(self._file.name)

    async def store(self, blobs: BlobStore, key: str, media_type: str) -> None:
        content = self.content
        if isinstance(content, Path):
            await blobs.put_file(key, content, media_type)
        else:
            await blobs.put(key, content, media_type)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        if self._directory is not None:
            self._directory.cleanup()


def media_type_of(content: Path | bytes, declared: str | None, url: str) -> str:
    """What the bytes are (magic numbers) over what the server said, over what the name suggests."""
    sniffed = filetype.guess_mime(content if isinstance(content, bytes) else str(content))
    if sniffed:
        return sniffed
    if declared and declared not in ("application/octet-stream", "text/html"):
        return declared
    return guess_type(url)


def filename_of(url: str) -> str:
    """The file's own name, decoded (申请表.docx, not %E7%94%B3…); download.jsp?filename=x.pdf gives x.pdf."""
    parts = urlsplit(url)
    for pair in parts.query.split("&"):
        key, _, value = pair.partition("=")
        if key.lower() in ("filename", "file", "name") and "." in value:
            return PurePosixPath(unquote(value)).name
    return PurePosixPath(unquote(parts.path)).name or "file"
