"""A streamed download read as fast as the server sends it (raw HTTP/1.1, chunked or not), and a server's
resident memory sampled every 100 ms meanwhile: the export's MB/s and whether its memory stays flat."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from bench.rawhttp import RawConnection, RawHttpError, raw_request

READ = 1 << 20


def rss_kb(pid: int) -> int:
    """VmRSS of a process, in KiB (0 once it has gone)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


@contextlib.asynccontextmanager
async def rss_watch(pid: int, every: float = 0.1) -> AsyncIterator[list[int]]:
    """VmRSS samples (KiB) from entry to exit, one per `every` seconds."""
    samples = [rss_kb(pid)]

    async def sample() -> None:
        while True:
            await asyncio.sleep(every)
            samples.append(rss_kb(pid))

    task = asyncio.create_task(sample())
    try:
        yield samples
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        samples.append(rss_kb(pid))


class Connection(RawConnection):
    """bench.rawhttp's keep-alive connection, reading chunked answers too (Datasette sends its JSON chunked)."""

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        return int(head[9:12]), b"".join([chunk async for chunk in body(self.reader, head, to_eof=False)])


@dataclass
class Streamed:
    """One streamed download: size, lines, time to first byte and to the end, and a hash to compare sides."""

    status: int
    bytes: int
    lines: int
    first_byte_s: float
    seconds: float
    sha1: str
    head: str  # the first line of the body (the CSV header)

    @property
    def mb_per_s(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds else float("nan")


async def stream(port: int, path: str) -> Streamed:
    """GET `path` on a fresh connection and read the whole body, hashing and counting lines as it comes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=READ)
    began = time.perf_counter()
    writer.write(raw_request("GET", path, {"Connection": "close"}))
    head = await reader.readuntil(b"\r\n\r\n")
    digest, size, lines, first, start = hashlib.sha1(), 0, 0, None, b""
    async for chunk in body(reader, head):
        if first is None:
            first = time.perf_counter() - began
        if len(start) < 4096:
            start += chunk[:4096]
        digest.update(chunk)
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - began
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    header = start.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    return Streamed(int(head[9:12]), size, lines, first or seconds, seconds, digest.hexdigest(), header)


async def body(reader: asyncio.StreamReader, head: bytes, *, to_eof: bool = True) -> AsyncIterator[bytes]:
    """The body's bytes as they arrive: by chunk (Transfer-Encoding: chunked), by Content-Length, or to EOF
    (on a kept-alive connection, not to EOF: RawHttpError)."""
    lower = head.lower()
    if b"\r\ntransfer-encoding: chunked" in lower:
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            yield await reader.readexactly(size)
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")  # after the last chunk: no trailers, the empty line
        return
    if b"\r\ncontent-length:" in lower:
        left = int(lower.split(b"\r\ncontent-length:")[1].split(b"\r\n")[0])
        while left:
            chunk = await reader.read(min(READ, left))
            if not chunk:
                raise asyncio.IncompleteReadError(b"", left)
            left -= len(chunk)
            yield chunk
        return
    if not to_eof:
        raise RawHttpError(f"neither Content-Length nor chunked in {head[:200]!r}")
    while chunk := await reader.read(READ):
        yield chunk
