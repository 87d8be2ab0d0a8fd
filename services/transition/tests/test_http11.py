"""The crawl's HTTP/1.1 (sources/http11.py) against servers that answer as old ones do: a legacy host reached at
the address it is resolved to and still named, kept connections reused, chunked and close-delimited bodies, a
kept connection the server let go asked again on a new one, a large body streamed, and timeouts, refusals and cut
answers raised as httpx's errors (the crawl's retries catch those)."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from services.transition.sources.answers import request_head, target_of, undo_codings
from services.transition.sources.http11 import Http11Transport, _payload

OLD = "old.example.gov.cn"
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]


@asynccontextmanager
async def raw_server(handler: Handler) -> AsyncIterator[tuple[int, list[bytes]]]:
    """A server speaking bytes: `handler(reader, writer, n)` for its n-th connection; the requests' heads kept."""
    heads: list[bytes] = []
    count = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal count
        count += 1
        try:
            await handler(_Recording(reader, heads), writer, count)  # type: ignore[arg-type]
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1], heads


class _Recording:
    def __init__(self, reader: asyncio.StreamReader, heads: list[bytes]) -> None:
        self.reader, self.heads = reader, heads

    async def readuntil(self, separator: bytes) -> bytes:
        head = await self.reader.readuntil(separator)
        self.heads.append(head)
        return head


def answer(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    lines = [f"HTTP/1.1 {status}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def client(port: int) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=Http11Transport({OLD: f"127.0.0.1:{port}"}), timeout=2)


async def test_a_resolved_host_is_named_and_its_connection_kept() -> None:
    async def keep_alive(reader, writer, n: int) -> None:
        for _ in range(3):
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answer(f"第{n}个连接".encode(), "Content-Length: 13", 'ETag: "v1"'))

    async with raw_server(keep_alive) as (port, heads), client(port) as http:
        answers = [
            await http.get(f"http://{OLD}/xwzx/{i}.html?a=1", headers={"if-none-match": '"v0"'}) for i in range(3)
        ]
    assert [a.text for a in answers] == ["第1个连接"] * 3 and answers[0].headers["etag"] == '"v1"'
    assert heads[0].startswith(b"GET /xwzx/0.html?a=1 HTTP/1.1\r\n") and f"host: {OLD}".encode() in heads[0].lower()
    assert b'if-none-match: "v0"' in heads[0]


async def test_chunked_and_close_delimited_bodies_are_read_whole() -> None:
    async def old_servers(reader, writer, n: int) -> None:
        await reader.readuntil(b"\r\n\r\n")
        if n == 1:
            writer.write(answer(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "Transfer-Encoding: chunked"))
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answer("通知公告".encode("gbk"), "Content-Type: text/html; charset=gbk"))  # no length
        else:
            writer.write(answer(b"again", "Content-Length: 5"))
        await writer.drain()

    async with raw_server(old_servers) as (port, _), client(port) as http:
        chunked = await http.get(f"http://{OLD}/a.html")
        delimited = await http.get(f"http://{OLD}/b.html")
        assert delimited.text == "通知公告" and chunked.text == "hello world"
        again = await http.get(f"http://{OLD}/c.html")  # the closed connection is not reused
    assert again.text == "again"


async def test_a_kept_connection_the_server_let_go_is_asked_again_on_a_new_one() -> None:
    async def drops_the_second(reader, writer, n: int) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer(b"ok", "Content-Length: 2"))
        await reader.readuntil(b"\r\n\r\n")  # asked again on the kept connection: closed without an answer

    async with raw_server(drops_the_second) as (port, heads), client(port) as http:
        first, second = await http.get(f"http://{OLD}/1.html"), await http.get(f"http://{OLD}/2.html")
    assert first.text == second.text == "ok" and len(heads) >= 3


async def test_a_large_body_streams_and_gzip_is_undone() -> None:
    big = bytes(range(256)) * 12_000  # 3 MB: the socket is paused and resumed as the reader keeps up
    packed = gzip.compress("公告正文".encode() * 100)

    async def files(reader, writer, n: int) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer(big, f"Content-Length: {len(big)}"))
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer(packed, f"Content-Length: {len(packed)}", "Content-Encoding: gzip"))
        await writer.drain()

    async with raw_server(files) as (port, _), client(port) as http:
        async with http.stream("GET", f"http://{OLD}/u/1.pdf") as streamed:
            got = b""
            async for chunk in streamed.aiter_bytes(1 << 16):
                got += chunk
                await asyncio.sleep(0)
        page = await http.get(f"http://{OLD}/zip.html")
    assert got == big and page.text == "公告正文" * 100


async def test_silence_refusal_and_a_cut_answer_are_httpx_errors() -> None:
    async def bad(reader, writer, n: int) -> None:
        await reader.readuntil(b"\r\n\r\n")
        if n == 1:
            await asyncio.sleep(5)  # never answers in time
        else:
            writer.write(answer(b"only part", "Content-Length: 100"))
            await writer.drain()

    async with raw_server(bad) as (port, _):
        impatient = Http11Transport({OLD: f"127.0.0.1:{port}"})
        async with httpx.AsyncClient(transport=impatient, timeout=0.3) as http:
            with pytest.raises(httpx.ReadTimeout):
                await http.get(f"http://{OLD}/slow.html")
            with pytest.raises(httpx.RemoteProtocolError):
                await http.get(f"http://{OLD}/cut.html")
    async with client(port) as http:  # the server is gone: nothing listens there now
        with pytest.raises(httpx.ConnectError):
            await http.get(f"http://{OLD}/")


@pytest.mark.parametrize(
    "url",
    [
        "http://www.FeiXi.gov.cn/xwzx/zwdt/202401/t20240105_1234567.html",
        "http://www.feixi.gov.cn:8080/",
        "http://www.feixi.gov.cn:80/index.shtml?channel=12&page=2#top",
        "https://www.feixi.gov.cn:443/a,b;c=1/(x)!~*'$@:%E4%B8%AD.html?q=a+b",
        "http://www.feixi.gov.cn?x=1",
        "http://www.feixi.gov.cn/政务公开/通知 公告.html?标题=中",  # not plain: through httpx.URL
        "http://www.feixi.gov.cn/a%zz/[1]|^.html",
    ],
)
async def test_a_get_without_httpx_writes_the_head_httpx_would(url: str) -> None:
    headers = {"accept-encoding": "gzip, deflate", "user-agent": "SitegroupMigration", "if-none-match": '"v1"'}
    made = httpx.Request("GET", url, headers=headers)
    target = target_of(url)
    assert request_head(target, headers) == await _payload(made)
    assert (target.scheme, target.host, target.port) == (made.url.scheme, made.url.host, made.url.port or target.port)


async def test_a_get_without_httpx_keeps_the_connection_and_undoes_gzip_and_both_deflates() -> None:
    text = "".join(f"第{i}条：关于做好{2000 + i}年政务公开工作的通知。" for i in range(300)).encode()
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    bodies = [gzip.compress(text), zlib.compress(text), raw.compress(text) + raw.flush(), gzip.compress(text)[:-30]]
    codings = ["gzip", "deflate", "deflate", "gzip"]

    async def encoded(reader, writer, n: int) -> None:
        for body, coding in zip(bodies, codings, strict=True):
            await reader.readuntil(b"\r\n\r\n")
            writer.write(
                answer(body, f"Content-Length: {len(body)}", f"Content-Encoding: {coding}", "Vary: a", "Vary: b")
            )

    async with raw_server(encoded) as (port, heads), Http11Transport({OLD: f"127.0.0.1:{port}"}) as transport:
        got = [await transport.get(f"http://{OLD}/{i}.html", {"user-agent": "ua"}, {"read": 2}) for i in range(4)]
    assert (
        [a.body for a in got[:3]] == [text] * 3 and text.startswith(got[3].body) and len(got[3].body) > 1000
    )  # a cut stream: what it holds
    assert got[0].status == 200 and got[0].headers["vary"] == "a, b" and len(heads) == 4  # one connection for all
    assert heads[0] == f"GET /0.html HTTP/1.1\r\nHost: {OLD}\r\nuser-agent: ua\r\n\r\n".encode()


def test_a_coding_that_cannot_be_undone_is_an_httpx_error_and_an_unknown_one_is_left() -> None:
    with pytest.raises(httpx.DecodingError):
        undo_codings(b"not gzip at all", "gzip")
    assert undo_codings(b"as sent", "br") == b"as sent" and undo_codings(b"", "gzip") == b""


async def test_a_streamed_get_follows_redirects_on_its_kept_connection_and_undoes_gzip() -> None:
    text = "".join(f"附件{i}：肥西县政府信息公开申请表。" for i in range(2000)).encode()
    body = gzip.compress(text)

    async def moved_then_file(reader, writer, n: int) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            answer(b"", "Location: /u/%E7%94%B3%E8%AF%B7%E8%A1%A8.pdf", "Content-Length: 0", status="302 Found")
        )
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer(body, f"Content-Length: {len(body)}", "Content-Encoding: gzip"))

    url, headers = f"http://{OLD}/download.jsp?id=7", {"user-agent": "ua"}
    async with (
        raw_server(moved_then_file) as (port, heads),
        Http11Transport({OLD: f"127.0.0.1:{port}"}) as transport,
        transport.stream(url, headers, {"read": 2}) as got,
    ):
        received = b"".join([chunk async for chunk in got.chunks()])
    assert got.status == 200 and received == text and len(heads) == 2  # the redirect's connection asked again
    assert heads[1].startswith(b"GET /u/%E7%94%B3%E8%AF%B7%E8%A1%A8.pdf HTTP/1.1\r\nHost: old.example.gov.cn\r\n")


async def test_a_streamed_get_refuses_endless_redirects_and_a_coding_it_cannot_undo() -> None:
    async def endless(reader, writer, n: int) -> None:
        while True:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answer(b"", "Location: /again", "Content-Length: 0", status="301 Moved Permanently"))

    async def brotli(reader, writer, n: int) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(answer(b"xyz", "Content-Length: 3", "Content-Encoding: br"))

    async with raw_server(endless) as (port, _), Http11Transport({OLD: f"127.0.0.1:{port}"}) as transport:
        with pytest.raises(httpx.TooManyRedirects):
            async with transport.stream(f"http://{OLD}/a.pdf", {}, {"read": 2}):
                pass
    async with (
        raw_server(brotli) as (port, _),
        Http11Transport({OLD: f"127.0.0.1:{port}"}) as transport,
        transport.stream(f"http://{OLD}/a.pdf", {}, {"read": 2}) as got,
    ):
        with pytest.raises(httpx.DecodingError):
            [chunk async for chunk in got.chunks()]
