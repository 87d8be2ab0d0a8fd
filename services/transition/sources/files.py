"""Legacy files — the 公告's PDF, the 申请表, the pictures — copied into the blob store under the target site,
each stored once however many pages link it (its key is its SHA-256), streamed through a temporary file so a
200 MB file costs no memory, and refused with a reason when it is missing, too large or not what it says."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import filetype
import httpx

from services.transition.sources.base import guess_type
from services.transition.sources.crawl import USER_AGENT, Pacer
from shared.blobs import BlobStore
from shared.tenancy import site_blob_key

CHUNK = 1 << 16


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
        self, client: httpx.AsyncClient, blobs: BlobStore, site_id: str, *, max_bytes: int, pacer: Pacer | None = None
    ) -> None:
        self.client, self.blobs, self.site_id, self.max_bytes = client, blobs, site_id, max_bytes
        self.pacer = pacer or Pacer(0)

    async def copy(self, url: str) -> CopiedFile | FileProblem:
        with tempfile.TemporaryDirectory(prefix="migration-file-") as directory:
            path = Path(directory) / "file"
            try:
                got = await self._download(url, path)
            except httpx.HTTPError as exc:
                return FileProblem(url, f"下载失败：{type(exc).__name__}")
            if isinstance(got, FileProblem):
                return got
            size, digest, declared = got
            media_type = media_type_of(path, declared, url)
            name = filename_of(url)
            if "text/html" in (media_type, declared) and guess_type(url) != "text/html":
                return FileProblem(url, "原站返回的是网页而不是文件（文件可能已被删除）")
            key = site_blob_key(self.site_id, "migrated", digest[:2], digest + PurePosixPath(name).suffix.lower())
            if not await self.blobs.exists(key):
                await self.blobs.put_file(key, path, media_type)
            return CopiedFile(url, key, name, media_type, size, digest)

    async def _download(self, url: str, path: Path) -> tuple[int, str, str | None] | FileProblem:
        await self.pacer.wait()
        digest, size = hashlib.sha256(), 0
        async with self.client.stream("GET", url, headers={"user-agent": USER_AGENT}, follow_redirects=True) as answer:
            if answer.status_code != 200:
                return FileProblem(url, f"原站返回 {answer.status_code}")
            length = int(answer.headers.get("content-length") or 0)
            if length > self.max_bytes:
                return FileProblem(url, f"文件超过 {self.max_bytes // 2**20} MB")
            with path.open("wb") as out:
                async for chunk in answer.aiter_bytes(CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        return FileProblem(url, f"文件超过 {self.max_bytes // 2**20} MB")
                    digest.update(chunk)
                    out.write(chunk)
            declared = answer.headers.get("content-type")
        return size, digest.hexdigest(), declared.split(";")[0].strip() if declared else None


def media_type_of(path: Path, declared: str | None, url: str) -> str:
    """What the bytes are (magic numbers) over what the server said, over what the name suggests."""
    sniffed = filetype.guess_mime(str(path))
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
