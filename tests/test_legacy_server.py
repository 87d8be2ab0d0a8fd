"""bench.migration's legacy site (bench/legacy_server.py) answers what the tests' Starlette site answers, byte for
byte, on one kept connection: the page the benchmark imports is the page the end-to-end tests import."""

from __future__ import annotations

import asyncio

import httpx

from bench.legacy_server import LegacyServer
from services.transition.tests.legacy_site import Visits, article_path, legacy_site

ARTICLES = 45
KEPT = ("content-type", "content-length", "etag", "last-modified", "location")


async def test_the_lean_legacy_server_answers_as_the_starlette_site() -> None:
    app, _ = legacy_site(ARTICLES)
    tag = (await _starlette(app, article_path(7))).headers["etag"]
    paths = [
        "/robots.txt",
        "/",
        "/xwzx/tzgg/index_1.html",
        "/xwzx/tzgg/index_9.html",
        article_path(7),
        article_path(10),
        "/u/10.pdf",
        "/old/tzgg.html",
        "/xwzx/tzgg/202401/t20240101_99.html",
        "/u/withdrawn.doc",
    ]
    asked = [(path, None) for path in paths] + [(article_path(7), tag)]  # fmt: skip
    visits, connections = Visits(), []

    def connected() -> LegacyServer:
        connections.append(LegacyServer(ARTICLES, visits))
        return connections[-1]

    server = await asyncio.get_running_loop().create_server(connected, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    async with server, httpx.AsyncClient(base_url=base, timeout=5) as client:
        for path, etag in asked:
            headers = {"if-none-match": etag} if etag else {}
            lean, model = await client.get(path, headers=headers), await _starlette(app, path, headers)
            assert (lean.status_code, lean.content) == (model.status_code, model.content), path
            assert {k: lean.headers.get(k) for k in KEPT} == {k: model.headers.get(k) for k in KEPT}, path
    assert len(connections) == 1  # every answer on one kept connection
    assert visits.conditional_hits == 1 and visits.paths[article_path(7)] == 2


async def _starlette(app, path: str, headers: dict[str, str] | None = None) -> httpx.Response:  # noqa: ANN001
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        return await client.get(path, headers=headers or {})
