"""The crawl's HTTP/1.1 under httpx (a transport): asyncio's sockets and llhttp's parser (httptools, which uvicorn
brings) instead of httpcore's pool, h11 and anyio. Against the loopback legacy site a request costs ~60 µs of CPU
here and ~1.3 ms there: httpcore's pool examines every connection for every waiting request, each time through
anyio. It does what a crawl needs: keep-alive, chunked and close-delimited answers streamed as they arrive, TLS,
connect and read timeouts, and where a legacy host is served from (`servers`, as `curl --resolve`: the request
still names the host, and TLS checks that name)."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator
from urllib.parse import urljoin

import httptools
import httpx

from services.transition.sources.answers import Answer, Streamed, answer_of, headers_of, request_head, target_of

KEEP_IDLE = 5.0  # seconds an idle connection is kept (servers drop theirs after 5 to 15)
PAUSE_AT = 1 << 20  # bytes buffered unread before the socket is no longer read (a large file streamed to disk)
Origin = tuple[str, str, int, str]  # scheme, address, port, the host's name (TLS's)
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 20  # as httpx follows them


class _Dropped(Exception):
    """The server closed the connection before answering (a kept one it had let go of: asked again, once)."""


class _Connection(asyncio.Protocol):
    """One socket, one answer at a time, parsed as its bytes arrive."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.closed, self.paused, self.idle_since = False, False, 0.0
        self.begin(False)

    def begin(self, head_only: bool) -> None:
        self.head_only, self.started, self.has_head, self.complete, self.reusable = (
            head_only,
            False,
            False,
            False,
            False,
        )
        self.reason, self.headers, self.chunks, self.buffered = b"", [], deque(), 0
        self.error: BaseException | None = None
        self._waiter: asyncio.Future | None = None

    async def wait(self, timeout: float | None) -> None:
        """Until something arrives: the head, a piece of the body, its end, or an error."""
        self._waiter = asyncio.get_running_loop().create_future()
        async with asyncio.timeout(timeout):
            await self._waiter

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def read_more(self, taken: int) -> None:
        self.buffered -= taken
        if self.paused and self.buffered < PAUSE_AT and not self.closed:
            self.paused = False
            self.transport.resume_reading()  # type: ignore[union-attr]

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self.error = httpx.RemoteProtocolError(f"原站答复不合 HTTP 规范：{exc}")
            self.close()
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.started:
            self.error = self.error or _Dropped()
        elif self.has_head and not self.complete and not self._delimited():
            self.complete = True  # no length, not chunked: the body ends where the connection does
        elif not self.complete:
            self.error = self.error or httpx.RemoteProtocolError("原站在答复完成前断开了连接")
        self._wake()

    def _delimited(self) -> bool:
        names = {name.lower() for name, _ in self.headers}
        return b"content-length" in names or b"transfer-encoding" in names

    # llhttp's callbacks
    def on_message_begin(self) -> None:
        self.started = True

    def on_status(self, reason: bytes) -> None:
        self.reason = reason

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        self.has_head = True
        if self.head_only:  # no body follows, whatever the headers say: llhttp cannot be told, so no reuse
            self.complete = True

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)
        self.buffered += len(body)
        if self.buffered >= PAUSE_AT and not self.paused:
            self.paused = True
            self.transport.pause_reading()  # type: ignore[union-attr]

    def on_message_complete(self) -> None:
        self.complete, self.reusable = True, not self.head_only and self.parser.should_keep_alive()


class _Body(httpx.AsyncByteStream):
    """An answer's body as it arrives; its connection kept for the next request once the body is read whole."""

    def __init__(self, pool: Http11Transport, origin: Origin, connection: _Connection, timeout: float | None) -> None:
        self.pool, self.origin, self.connection, self.timeout = pool, origin, connection, timeout
        self.done = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self.connection
        while not self.done:
            while connection.chunks:
                chunk = connection.chunks.popleft()
                connection.read_more(len(chunk))
                yield chunk
            if connection.error is not None:
                await self.aclose()
                raise connection.error
            if connection.complete:
                self._finish(connection.reusable)
                break
            await _read(connection, self.timeout)

    async def aclose(self) -> None:
        """Closed unread: a connection whose answer has all arrived (a redirect's) is kept all the same."""
        connection = self.connection
        self._finish(connection.complete and connection.reusable and not connection.paused)

    def _finish(self, keep: bool) -> None:
        if not self.done:
            self.done = True
            self.pool.release(self.origin, self.connection, keep)


class Http11Transport(httpx.AsyncBaseTransport):
    def __init__(self, servers: dict[str, str] | None = None, ssl_context: ssl.SSLContext | None = None) -> None:
        self.servers = {host.lower(): address for host, address in (servers or {}).items()}
        self._ssl = ssl_context
        self._idle: dict[Origin, list[_Connection]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url, timeouts = request.url, request.extensions.get("timeout", {})
        origin = self._origin(url.scheme, url.host, url.port)
        connection = await self._exchange(origin, await _payload(request), request.method == "HEAD", timeouts)
        body = _Body(self, origin, connection, timeouts.get("read"))
        extensions = {"http_version": b"HTTP/1.1", "reason_phrase": connection.reason}
        status = connection.parser.get_status_code()
        return httpx.Response(status, headers=connection.headers, stream=body, extensions=extensions)

    async def get(self, url: str, headers: dict[str, str], timeouts: dict[str, float | None]) -> Answer:
        """A GET read whole, without httpx's objects (the crawl's pages: sources/answers.py)."""
        target = target_of(url)
        origin = self._origin(target.scheme, target.host, target.port)
        connection = await self._exchange(origin, request_head(target, headers), False, timeouts)
        body = b"".join([chunk async for chunk in _Body(self, origin, connection, timeouts.get("read"))])
        return answer_of(connection.parser.get_status_code(), connection.headers, body)

    @contextlib.asynccontextmanager
    async def stream(
        self, url: str, headers: dict[str, str], timeouts: dict[str, float | None]
    ) -> AsyncIterator[Streamed]:
        """A GET whose body is read as it arrives (a legacy file, up to hundreds of MB), redirects followed as
        httpx follows them, without httpx's objects (~100 µs of CPU a file on this host)."""
        for _ in range(MAX_REDIRECTS + 1):
            target = target_of(url)
            origin = self._origin(target.scheme, target.host, target.port)
            connection = await self._exchange(origin, request_head(target, headers), False, timeouts)
            body = _Body(self, origin, connection, timeouts.get("read"))
            answered = Streamed(connection.parser.get_status_code(), headers_of(connection.headers), body)
            location = answered.headers.get("location")
            if answered.status in REDIRECTS and location:
                await body.aclose()  # its body unread: the connection is let go, not kept
                url = urljoin(url, location)
                continue
            try:
                yield answered
            finally:
                await body.aclose()
            return
        raise httpx.TooManyRedirects(f"原站跳转超过 {MAX_REDIRECTS} 次")

    async def _exchange(
        self, origin: Origin, payload: bytes, head_only: bool, timeouts: dict[str, float | None]
    ) -> _Connection:
        """The request written and its answer's head read, on a kept connection or a new one."""
        for _ in range(2):
            connection, reused = await self._connection(origin, timeouts.get("connect"))
            connection.begin(head_only)
            connection.transport.write(payload)  # type: ignore[union-attr]
            try:
                while not connection.has_head and connection.error is None:
                    await _read(connection, timeouts.get("read"))
            except BaseException:
                connection.close()
                raise
            if isinstance(connection.error, _Dropped) and reused:
                continue  # the server let the kept connection go as it was asked: once more, on a new one
            if connection.error is not None:
                connection.close()
                raise _public(connection.error)
            return connection
        raise httpx.RemoteProtocolError("原站未作答复就断开了连接")  # pragma: no cover - the loop returns or raises

    def _origin(self, scheme: str, host: str, port: int | None) -> Origin:
        port = port or (443 if scheme == "https" else 80)
        address = self.servers.get(host.lower())
        if address is None:
            return scheme, host, port, host
        ip, _, mapped = address.partition(":")
        return scheme, ip, int(mapped) if mapped else port, host

    async def _connection(self, origin: Origin, timeout: float | None) -> tuple[_Connection, bool]:
        """A kept connection to the origin that is still open and fresh, or a new one."""
        idle, now = self._idle.get(origin), time.monotonic()
        while idle:
            connection = idle.pop()
            if not connection.closed and now - connection.idle_since < KEEP_IDLE:
                return connection, True
            connection.close()
        return await self._connect(origin, timeout), False

    async def _connect(self, origin: Origin, timeout: float | None) -> _Connection:
        scheme, address, port, name = origin
        tls = self._tls() if scheme == "https" else None
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                _, connection = await loop.create_connection(
                    _Connection, address, port, ssl=tls, server_hostname=name if tls else None
                )
        except TimeoutError:
            raise httpx.ConnectTimeout(f"连接 {name} 超时") from None
        except OSError as exc:
            raise httpx.ConnectError(f"无法连接 {name}：{exc}") from None
        return connection

    def _tls(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context()  # httpx's own: certifi's roots, as the client had
        return self._ssl

    def release(self, origin: Origin, connection: _Connection, keep: bool) -> None:
        if keep and not connection.closed:
            connection.idle_since = time.monotonic()
            self._idle.setdefault(origin, []).append(connection)
        else:
            connection.close()

    async def aclose(self) -> None:
        for idle in self._idle.values():
            for connection in idle:
                connection.close()
        self._idle.clear()


async def _read(connection: _Connection, timeout: float | None) -> None:
    try:
        await connection.wait(timeout)
    except TimeoutError:
        connection.close()
        raise httpx.ReadTimeout("原站答复超时") from None


async def _payload(request: httpx.Request) -> bytes:
    """The request line, its headers (Host among them: the site's name, wherever it is reached) and its body."""
    body = b"".join([part async for part in request.stream])  # type: ignore[union-attr]
    if "transfer-encoding" in request.headers:  # a streamed body, read whole: one chunk and the last
        body = (b"%x\r\n%s\r\n" % (len(body), body) if body else b"") + b"0\r\n\r\n"
    lines = [b"%s %s HTTP/1.1" % (request.method.encode(), request.url.raw_path)]
    lines += [b"%s: %s" % pair for pair in request.headers.raw]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _public(error: BaseException) -> BaseException:
    return httpx.RemoteProtocolError("原站未作答复就断开了连接") if isinstance(error, _Dropped) else error
