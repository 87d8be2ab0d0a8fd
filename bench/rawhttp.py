"""A raw HTTP/1.1 client for the load generators: prepared request bytes, answers read by Content-Length.

httpx costs ~1 ms of client CPU per request, so one core of it drives ~850 requests/s, and with more
connections less (its pool bookkeeping grows): below what the servers measured here can do. This client
costs a few per cent of that, so the server's core is what saturates, not the load generator's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from typing import Any
from urllib.parse import urlencode

CONTENT_LENGTH = re.compile(rb"\r\ncontent-length: *(\d+)", re.IGNORECASE)


class RawHttpError(Exception):
    """An answer this client cannot read (no Content-Length), or a refused call."""


class RawConnection:
    """One keep-alive connection to 127.0.0.1."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> RawConnection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = CONTENT_LENGTH.search(head)
        if length is None:
            raise RawHttpError(f"no Content-Length in {head[:200]!r}")
        return int(head[9:12]), await self.reader.readexactly(int(length.group(1)))

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


def raw_request(
    method: str, path: str, headers: dict[str, str], *, form: dict[str, str] | None = None, json_body: Any = None
) -> bytes:
    """The bytes of one request, with a form or a JSON body (UTF-8) if given."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    body = b""
    if form is not None:
        body = urlencode(form).encode()
        lines.append("Content-Type: application/x-www-form-urlencoded")
    elif json_body is not None:
        body = json.dumps(json_body, ensure_ascii=False).encode()
        lines.append("Content-Type: application/json")
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class RawResponse:
    """What the bench drivers read of an answer, as on an httpx.Response."""

    def __init__(self, status_code: int, content: bytes) -> None:
        self.status_code, self.content = status_code, content

    def json(self) -> Any:
        return json.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class RawClient:
    """A fixed pool of raw connections with httpx's `post(url, json=, headers=)` and `get(url)` for drivers."""

    def __init__(self, port: int, size: int) -> None:
        self.port, self.size = port, size
        self._idle: asyncio.Queue[RawConnection] = asyncio.Queue()
        self._all: list[RawConnection] = []

    async def __aenter__(self) -> RawClient:
        self._all = [await RawConnection.open(self.port) for _ in range(self.size)]
        for connection in self._all:
            self._idle.put_nowait(connection)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for connection in self._all:
            await connection.close()

    async def post(self, url: str, *, json: Any, headers: dict[str, str]) -> RawResponse:
        return await self._exchange(raw_request("POST", url, headers, json_body=json))

    async def get(self, url: str) -> RawResponse:
        return await self._exchange(raw_request("GET", url, {}))

    async def _exchange(self, request: bytes) -> RawResponse:
        connection = await self._idle.get()
        try:
            return RawResponse(*await connection.exchange(request))
        finally:
            self._idle.put_nowait(connection)
