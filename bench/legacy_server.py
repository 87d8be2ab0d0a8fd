"""The legacy county site of bench.migration: the pages of services/transition/tests/legacy_site.py (made from
their number, so a 100,000-page site costs no disk), served as an old site's web server serves its published
static pages: a lean HTTP/1.1 server on asyncio and llhttp (httptools), keep-alive, answers written whole.

`python -m bench.legacy_server --port P`, its size from LEGACY_ARTICLES. Under uvicorn and Starlette the same
pages cost ~0.45 ms of CPU each, a tenth of the 2-core machine the platform is measured on; a real legacy site
answers from its own machine (and nginx or Apache serve static pages for a fraction of that)."""

from __future__ import annotations

import argparse
import asyncio
import os
from http import HTTPStatus
from urllib.parse import unquote

import httptools

from services.transition.tests.legacy_site import Page, Visits, answer


class LegacyServer(asyncio.Protocol):
    """One connection: requests parsed as their bytes arrive, each answered at once, in order."""

    def __init__(self, articles: int, visits: Visits) -> None:
        self.articles, self.visits = articles, visits
        self.parser = httptools.HttpRequestParser(self)
        self.transport: asyncio.Transport | None = None
        self.url, self.etag = b"", None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.transport.write(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            self.transport.close()

    def on_message_begin(self) -> None:
        self.url, self.etag = b"", None

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"if-none-match":
            self.etag = value.decode("latin-1")

    def on_message_complete(self) -> None:
        path = unquote(httptools.parse_url(self.url).path.decode("latin-1"))
        keep = self.parser.should_keep_alive()
        self.transport.write(_bytes(answer(path, self.etag, self.articles, self.visits), keep))
        if not keep:
            self.transport.close()


def _bytes(page: Page, keep: bool) -> bytes:
    """The answer as Starlette writes it: a body's length (none on a 304), its media type, the page's headers."""
    lines = [f"HTTP/1.1 {page.status} {HTTPStatus(page.status).phrase}"]
    if page.status != 304:
        lines.append(f"content-length: {len(page.body)}")
    if page.media_type:
        lines.append(f"content-type: {page.media_type}")
    lines += [f"{name}: {value}" for name, value in page.headers.items()]
    if not keep:
        lines.append("connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + page.body


async def serve(port: int, articles: int) -> None:
    visits = Visits()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: LegacyServer(articles, visits), "127.0.0.1", port, backlog=512)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(serve(args.port, int(os.environ.get("LEGACY_ARTICLES", "100000"))))


if __name__ == "__main__":
    main()
