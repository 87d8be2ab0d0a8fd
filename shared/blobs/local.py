"""Blobs in a local directory, written atomically (temp file + rename)."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from shared.blobs.base import Blob, BlobNotFound, BlobStore, check_key

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)


class LocalBlobStore(BlobStore):
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()
        self._directories: dict[str, Path] = {}  # a key's directory → where it really is

    def _path(self, key: str) -> Path:
        """The key's file, refused if a symlink leads it out of the root. Its directory is resolved once (a
        realpath lstats every segment: most of a lookup's cost), the file itself checked on each call."""
        parent, _, name = check_key(key).rpartition("/")
        path = self._directory(parent) / name
        if path.is_symlink():
            path = path.resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"bad blob key {key!r}")
        return path

    def _directory(self, parent: str) -> Path:
        found = self._directories.get(parent)
        if found is None:
            found = (self.root / parent).resolve()
            if (self.root / parent).is_dir():  # one not made yet may still become a symlink: asked again then
                if len(self._directories) > 10_000:
                    self._directories.clear()
                self._directories[parent] = found
        return found

    async def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    async def stop(self) -> None:
        return None

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    async def put_many(self, blobs: Sequence[Blob]) -> None:
        def write_all() -> None:
            for key, data, _ in blobs:
                self._write(self._path(key), data)

        if blobs:
            await asyncio.to_thread(write_all)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        # A thread writes one file at a time, so its own temporary name is free: no random names tried
        # (mkstemp's), which cost a fifth of writing a page.
        tmp = path.parent / f".tmp-{os.getpid()}-{threading.get_ident()}"
        try:
            try:
                fd = os.open(tmp, _NEW_FILE, 0o644)
            except FileNotFoundError:  # the first file of its directory (asking every time cost a failed mkdir)
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(tmp, _NEW_FILE, 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise BlobNotFound(key) from None

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        await asyncio.to_thread(self._copy_in, path, self._path(key))

    @staticmethod
    def _copy_in(source: Path, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        os.close(fd)
        try:
            shutil.copyfile(source, tmp)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def get_file(self, key: str, path: Path) -> None:
        try:
            await asyncio.to_thread(shutil.copyfile, self._path(key), path)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise BlobNotFound(key) from None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)

    async def exists(self, key: str) -> bool:
        return self._path(key).is_file()  # one stat: a thread to wait on would cost more than the stat itself

    async def ping(self) -> bool:
        return await asyncio.to_thread(os.access, self.root, os.W_OK)
