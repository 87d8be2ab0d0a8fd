"""The blob store contract."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

Blob = tuple[str, bytes, str]  # key, data, content type


class BlobNotFound(KeyError):
    """No blob under that key."""


def check_key(key: str) -> str:
    """Keys are relative slash paths without empty, dot or dot-dot segments."""
    parts = key.split("/")
    if not key or key.startswith("/") or "\\" in key or any(p in {"", ".", ".."} for p in parts):
        raise ValueError(f"bad blob key {key!r}")
    return key


class BlobStore(ABC):
    @abstractmethod
    async def start(self) -> None: ...

    @abstractmethod
    async def stop(self) -> None: ...

    @abstractmethod
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def put_many(self, blobs: Sequence[Blob]) -> None:
        """Blobs written together (a mirror's run of pages): each whole, in one hand-over to a worker thread."""
        for key, data, content_type in blobs:
            await self.put(key, data, content_type)

    @abstractmethod
    async def get(self, key: str) -> bytes: ...

    @abstractmethod
    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        """A large blob from a file, never whole in memory (open-data uploads of hundreds of MB)."""

    @abstractmethod
    async def get_file(self, key: str, path: Path) -> None:
        """A blob into a file, streamed."""

    @abstractmethod
    async def delete(self, key: str) -> None: ...

    @abstractmethod
    async def exists(self, key: str) -> bool: ...

    @abstractmethod
    async def ping(self) -> bool: ...
