"""verify-site against a platform stand-in on loopback: a 301 to the right page passes; a 301 to a page with
another title or date, a 404 where a 301 was due, and a 200 where a 410 was due are each named."""

from __future__ import annotations

from datetime import date

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from services.transition.planning.verify import Expectation, verify_urls
from shared.testing import serve_on_port

LEGACY = "old.feixi.gov.cn"
NEW = "www.feixi.gov.cn"
PAGES = {
    "/zwdt/tzgg/2026/03/01/101.html": "<h1>关于开展安全生产专项检查的通知</h1><p>发布时间：2026-03-01</p>",
    "/zwdt/tzgg/2026/03/02/102.html": "<h1>肥西县第2批政府信息公开目录更新公告</h1><p>2026年3月2日</p>",
}
MOVES = {
    "/xwzx/tzgg/t20260301_1.html": f"http://{NEW}/zwdt/tzgg/2026/03/01/101.html",
    "/content.jsp?id=2": "/zwdt/tzgg/2026/03/02/102.html",
    "/content.jsp?id=3": "/zwdt/tzgg/2026/03/02/102.html",
}


def platform() -> Starlette:
    async def answer(request: Request) -> Response:
        host, path = request.headers["host"], request.url.path
        key = path + (f"?{request.url.query}" if request.url.query else "")
        if host == LEGACY and key in MOVES:
            return RedirectResponse(MOVES[key], status_code=301)
        if host == LEGACY and key == "/bbs/":
            return Response(status_code=410)
        if key in PAGES:
            return HTMLResponse(PAGES[key])
        return Response(status_code=404)

    return Starlette(routes=[Route("/{path:path}", answer)])


async def test_each_legacy_url_lands_where_the_map_says_or_is_named() -> None:
    expected = [
        Expectation("/xwzx/tzgg/t20260301_1.html", title="关于开展安全生产专项检查的通知", published=date(2026, 3, 1)),
        Expectation("/content.jsp?id=2", title="肥西县第2批政府信息公开目录更新公告", published=date(2026, 3, 2)),
        Expectation("/content.jsp?id=3", title="县政府办公室关于做好防汛工作的通知"),  # sent to the wrong page
        Expectation("/bbs/", gone=True),
        Expectation("/xxgk/missing.html", title="某文件"),  # no decision on the platform: 404
        Expectation("/content.jsp?id=2", gone=True),  # the map says 410, the platform answers 301
    ]
    with serve_on_port(platform()) as base:
        async with httpx.AsyncClient(base_url=base) as client:
            verdicts = await verify_urls(client, LEGACY, expected)
    assert [(v.ok, v.status, v.problem) for v in verdicts] == [
        (True, 301, ""),
        (True, 301, ""),
        (False, 301, "目标页没有标题“县政府办公室关于做好防汛工作的通知”"),
        (True, 410, ""),
        (False, 404, "应为 301 跳转，实际为 404"),
        (False, 301, "应为 410，实际为 301"),
    ]
    assert verdicts[0].landed == f"http://{NEW}/zwdt/tzgg/2026/03/01/101.html"
