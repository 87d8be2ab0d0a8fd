"""The crawl of a live legacy site (served on loopback): every page reached from the home page once, robots.txt
and the site's bounds kept, no more requests at once or per second than allowed, a redirect recorded and its
target fetched, a cancelled crawl resumed without fetching anything twice, and a second pass answered 304 — over the
crawl's own HTTP/1.1 (sources/http11.py), as jobs run."""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from services.transition.extract import extract_page
from services.transition.sources.base import Fetched
from services.transition.sources.crawl import Crawler, CrawlPolicy, MemoryFrontier
from services.transition.sources.http11 import Http11Transport
from services.transition.tests.legacy_site import article_path, article_title, legacy_site
from shared.testing import serve_on_port

ARTICLES = 45  # three list pages of 20


@pytest.fixture
def site():
    app, visits = legacy_site(ARTICLES, delay=0.005)
    with serve_on_port(app) as base:
        yield base, visits


def crawler(transport: httpx.AsyncBaseTransport, frontier: MemoryFrontier, **policy) -> Crawler:
    return Crawler(transport, frontier, CrawlPolicy(hosts=frozenset({"127.0.0.1"}), **policy))


async def test_a_crawl_reaches_every_page_once_within_its_bounds(site) -> None:
    base, visits = site
    frontier, pages = MemoryFrontier(), []

    async def keep(fetched: Fetched) -> None:
        pages.append(fetched)

    began = time.monotonic()
    async with Http11Transport() as transport:
        stats = await crawler(transport, frontier, concurrency=3, per_second=100).run([f"{base}/"], keep)
    took = time.monotonic() - began
    urls = {p.url for p in pages}
    assert {f"{base}{article_path(n)}" for n in range(ARTICLES)} <= urls
    assert {f"{base}/xwzx/tzgg/index.html", f"{base}/xwzx/tzgg/index_2.html"} <= urls
    answered = [p for p in pages if p.status == 200]
    assert f"{base}/u/40.pdf" in urls and stats.fetched == len(answered) == ARTICLES + 3 + 1 + 5  # + lists, home, PDFs
    assert sorted(p.status for p in pages if p.status != 200) == [0, 301, 404]  # handed over too: the map decides
    refused = next(p for p in pages if p.status == 0)
    assert refused.url.endswith("/admin/login.jsp") and "robots.txt" in (refused.error or "")
    assert stats.refused_by_robots == 1 and "/admin/login.jsp" not in visits.paths  # robots.txt: Disallow /admin/
    assert stats.redirects == 1 and stats.statuses[301] == 1  # /old/tzgg.html, recorded, its target fetched once
    assert all(count == 1 for path, count in visits.paths.items() if path != "/robots.txt")
    assert visits.most_at_once <= 3 and took >= (len(pages) - 2) / 100  # never faster than 100 per second
    home = next(p for p in pages if p.url == f"{base}/")
    assert extract_page(home.url, home.body, home.content_type).encoding == "gb18030"


async def test_a_cancelled_crawl_resumes_without_fetching_anything_twice(site) -> None:
    base, visits = site
    frontier, seen, cancel = MemoryFrontier(), [], asyncio.Event()

    async def keep(fetched: Fetched) -> None:
        seen.append(fetched.url)
        if len(seen) == 10:
            cancel.set()

    async with Http11Transport() as transport:
        await crawler(transport, frontier, concurrency=2, per_second=0).run([f"{base}/"], keep, cancel)
        assert 10 <= len(seen) < 20 and frontier.queued
        await crawler(transport, frontier, concurrency=2, per_second=0).run([f"{base}/"], keep)
    assert (
        len(seen) == len(set(seen)) == ARTICLES + 9 + 3
    )  # the redirect, the dead page and the one robots.txt keeps out
    assert all(count == 1 for path, count in visits.paths.items() if path != "/robots.txt")


async def test_a_second_pass_asks_conditionally_and_the_site_answers_304(site) -> None:
    base, visits = site
    frontier, changed = MemoryFrontier(), []

    async def keep(fetched: Fetched) -> None:
        changed.append(fetched.url)

    async with Http11Transport() as transport:
        await crawler(transport, frontier, per_second=0).run([f"{base}/"], keep)
        changed.clear()
        frontier.again()
        stats = await crawler(transport, frontier, per_second=0).run([], keep)
    assert visits.conditional_hits == ARTICLES and stats.unchanged == ARTICLES
    assert f"{base}{article_path(7)}" not in changed  # unchanged articles are not handed on again
    first = frontier.results[f"{base}{article_path(0)}"][0]
    assert first.status == 200 and article_title(0).encode() in first.body  # the page of the first pass stands


async def test_a_stumbling_server_is_asked_again_and_a_dead_one_reported() -> None:
    """A 503 and a dropped connection are asked again after a pause; what never answers is handed over with why."""
    asked: dict[str, int] = {}

    async def flaky(request: Request) -> Response:
        path = request.url.path
        asked[path] = asked.get(path, 0) + 1
        if path == "/":
            return HTMLResponse('<a href="/busy.html">忙</a> <a href="/down.html">坏</a>')
        if path == "/busy.html" and asked[path] == 1:
            return Response("服务器忙", status_code=503)
        if path == "/down.html":
            return Response("内部错误", status_code=500)
        return HTMLResponse("<h1>关于开展安全生产专项检查的通知</h1>")

    pages: list[Fetched] = []
    with serve_on_port(Starlette(routes=[Route("/{path:path}", flaky)])) as base:
        async with Http11Transport() as transport:
            stats = await crawler(transport, MemoryFrontier(), per_second=100).run([f"{base}/"], _kept(pages))
    by_path = {urlsplit(p.url).path: p for p in pages}
    assert by_path["/busy.html"].status == 200 and asked["/busy.html"] == 2  # asked again once, answered
    assert by_path["/down.html"].status == 500 and asked["/down.html"] == 3 and stats.errors == 1


def _kept(pages: list[Fetched]):  # noqa: ANN202 - the crawl's on_page
    async def keep(fetched: Fetched) -> None:
        pages.append(fetched)

    return keep


async def test_a_slow_page_holds_up_no_other_and_the_links_on_page_read_are_followed() -> None:
    """Workers take the next URL as soon as their page is done (no batch waits for its slowest); the links the
    reader of a page hands back are what is followed, the page not parsed again."""

    async def site(request: Request) -> Response:
        path = request.url.path
        if path == "/":
            return HTMLResponse(
                '<a href="/slow.html">慢</a>' + "".join(f'<a href="/{n}.html">{n}</a>' for n in range(8))
            )
        if path == "/slow.html":
            await asyncio.sleep(0.5)
        return HTMLResponse(f'<h1>{path}</h1><a href="/never.html">不读</a>')

    order: list[str] = []

    async def read(fetched: Fetched) -> list[str] | None:
        order.append(urlsplit(fetched.url).path)
        if fetched.url.endswith("/"):
            return None  # not read: the crawl reads the home page's links itself
        return [] if "-told" in fetched.url else [fetched.url.replace(".html", "-told.html")]

    with serve_on_port(Starlette(routes=[Route("/{path:path}", site)])) as base:
        async with Http11Transport() as transport:
            await crawler(transport, MemoryFrontier(), concurrency=2, per_second=0).run([f"{base}/"], read)
    assert order[0] == "/" and order[-1] == "/slow-told.html" and "/never.html" not in order
    assert order.index("/slow.html") > order.index("/7-told.html")  # 16 pages went by while it was read
    assert sorted(order) == sorted(
        ["/", "/slow.html", "/slow-told.html", *(f"/{n}{s}.html" for n in range(8) for s in ("", "-told"))]
    )
