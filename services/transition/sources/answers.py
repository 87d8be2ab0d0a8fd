"""A crawl's GET without httpx's Request and Response: ~80 µs of CPU a page on this host, more than the exchange
itself on loopback (sources/http11.py). What a request needs of its URL, and an answer read whole and decoded as
httpx would have decoded it (gzip and deflate; a coding it does not know is left alone) — or, for a legacy file,
streamed as it arrives and decoded on the way."""

from __future__ import annotations

import re
import zlib
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass

import httpx

# URLs whose request target is their own text: ASCII that httpx's URL would leave as it is (any other falls back to it).
_PLAIN = re.compile(r"(https?)://([A-Za-z0-9.-]+)(?::(\d{1,5}))?([/?][A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*)?(?:#.*)?")
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class Target:
    """Where a request goes and what its head names: the scheme, the host (lower case), the port, `Host` and the
    request target (path and query)."""

    scheme: str
    host: str
    port: int
    host_header: bytes
    path: bytes


def target_of(url: str) -> Target:
    """The request's target as httpx.URL would make it, read straight from a plain URL."""
    plain = _PLAIN.fullmatch(url)
    if plain is None:
        parsed = httpx.URL(url)
        scheme, host, port, path = parsed.scheme, parsed.host, parsed.port, parsed.raw_path
    else:
        scheme, host, given, rest = plain.groups()
        host, port, path = host.lower(), int(given) if given else None, (rest or "/").encode()
        if path.startswith(b"?"):
            path = b"/" + path
    if port == _DEFAULT_PORTS.get(scheme):
        port = None
    host_header = host if port is None else f"{host}:{port}"
    return Target(scheme, host, port or _DEFAULT_PORTS.get(scheme, 80), host_header.encode(), path)


def request_head(target: Target, headers: dict[str, str]) -> bytes:
    """A GET's head, in the order httpx writes it: the request line, `Host`, then the headers as given."""
    lines = [b"GET %s HTTP/1.1" % target.path, b"Host: %s" % target.host_header]
    lines += [b"%s: %s" % (name.encode(), value.encode()) for name, value in headers.items()]
    return b"\r\n".join(lines) + b"\r\n\r\n"


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer read whole: its status, its headers by lower-case name (a repeated one joined by ", ", as httpx's
    `headers.get` gives it) and its body with its content codings undone."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class Streamed:
    """An answer whose body is still arriving: `chunks()` gives it with its content coding undone."""

    status: int
    headers: dict[str, str]
    body: AsyncIterable[bytes]  # as it arrives, its coding not undone

    async def chunks(self) -> AsyncIterator[bytes]:
        coding = (self.headers.get("content-encoding") or "identity").strip().lower()
        if coding == "identity":
            async for chunk in self.body:
                yield chunk
            return
        if coding not in ("gzip", "x-gzip", "deflate"):
            raise httpx.DecodingError(f"原站答复的压缩方式无法解开：{coding}")
        inflate = zlib.decompressobj(zlib.MAX_WBITS | 32)  # a gzip or a zlib header, whichever it has
        try:
            async for chunk in self.body:
                yield inflate.decompress(chunk)
            yield inflate.flush()
        except zlib.error as exc:
            raise httpx.DecodingError(f"原站答复的压缩内容无法解开：{exc}") from None


def answer_of(status: int, raw_headers: list[tuple[bytes, bytes]], body: bytes) -> Answer:
    headers = headers_of(raw_headers)
    return Answer(status, headers, undo_codings(body, headers.get("content-encoding")))


def headers_of(raw_headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Headers by lower-case name, a repeated one joined by ", " (as httpx's `headers.get` gives it)."""
    headers: dict[str, str] = {}
    for name, value in raw_headers:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return headers


async def answer_from_response(response: httpx.Response) -> Answer:
    """The same from any other httpx transport (the tests' in-process sites)."""
    try:
        body = await response.aread()
    finally:
        await response.aclose()
    return Answer(response.status_code, {k: response.headers[k] for k in response.headers}, body)


def undo_codings(body: bytes, codings: str | None) -> bytes:
    """Content codings undone last first; a truncated stream gives what it holds, as httpx's decoders do."""
    if not codings or not body:
        return body
    try:
        for coding in reversed([c.strip().lower() for c in codings.split(",")]):
            if coding in ("gzip", "x-gzip"):
                inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
                body = inflate.decompress(body) + inflate.flush()
            elif coding == "deflate":
                body = _deflated(body)
    except zlib.error as exc:
        raise httpx.DecodingError(f"原站答复的压缩内容无法解开：{exc}") from None
    return body


def _deflated(body: bytes) -> bytes:
    """`deflate` as servers send it: zlib-wrapped as the standard says, or raw as many do."""
    try:
        inflate = zlib.decompressobj()
        return inflate.decompress(body) + inflate.flush()
    except zlib.error:
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        return inflate.decompress(body) + inflate.flush()
