"""A legacy county site to migrate, served on loopback: what the crawl, the end-to-end tests and the benchmark
read. Its pages are made from their number (any size of site, nothing stored), in the shapes the old sites have:
a GBK home page that says so, a 通知公告 column of list pages (20 entries each, a TRS-style pager) and its
articles with the national meta tags, an attachment per tenth article, an old address that 301s to a new one,
robots.txt keeping crawlers out of /admin/, and ETag / Last-Modified answered with 304.

It counts what it is asked (per path, the most requests at once) so tests can check the crawl's manners.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

PER_LIST = 20
HTML = "text/html; charset=utf-8"
FIRST_DAY = date(2024, 1, 1)
DAYS = 20_000
TITLES = (
    "关于开展{n}号安全生产专项检查的通知",
    "肥西县第{n}批政府信息公开目录更新公告",
    "县政府办公室关于做好第{n}期防汛工作的通知",
)


@dataclass
class Visits:
    paths: dict[str, int] = field(default_factory=dict)
    in_flight: int = 0
    most_at_once: int = 0
    conditional_hits: int = 0


def article_day(number: int) -> date:
    """Three a day from 2024; past 60,000 articles they start again from 2024 (no page of 2100 reads as dated)."""
    return FIRST_DAY + timedelta(days=(number // 3) % DAYS)


def article_path(number: int) -> str:
    day = article_day(number)
    return f"/xwzx/tzgg/{day:%Y%m}/t{day:%Y%m%d}_{number}.html"


def article_title(number: int) -> str:
    return TITLES[number % len(TITLES)].format(n=number)


@dataclass(frozen=True, slots=True)
class Page:
    """An answer of the site, whatever serves it (Starlette here, bench.legacy_server's lean server there)."""

    status: int = 200
    body: bytes = b""
    media_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def legacy_site(articles: int, *, delay: float = 0.0) -> tuple[Starlette, Visits]:
    visits = Visits()

    async def page(request: Request) -> Response:
        visits.in_flight += 1
        visits.most_at_once = max(visits.most_at_once, visits.in_flight)
        try:
            if delay:
                await asyncio.sleep(delay)
            got = answer(request.url.path, request.headers.get("if-none-match"), articles, visits)
            return Response(got.body, status_code=got.status, media_type=got.media_type, headers=got.headers)
        finally:
            visits.in_flight -= 1

    return Starlette(routes=[Route("/{path:path}", page)]), visits


def answer(path: str, if_none_match: str | None, articles: int, visits: Visits) -> Page:
    """The site's answer to a GET of `path`, counted."""
    visits.paths[path] = visits.paths.get(path, 0) + 1
    if path == "/robots.txt":
        return Page(body=b"User-agent: *\nDisallow: /admin/\n", media_type="text/plain; charset=utf-8")
    if path in ("/", "/index.html"):
        return Page(body=_home().encode("gbk"), media_type="text/html; charset=GBK")
    if path == "/old/tzgg.html":
        return Page(301, headers={"location": "/xwzx/tzgg/index.html"})
    if path.startswith("/xwzx/tzgg/index"):
        return _list(path, articles)
    if path == "/u/withdrawn.doc":  # a file taken down, answered with a page (a "soft 404", as old CMSes do)
        return Page(body="<h1>该文件已删除</h1>".encode(), media_type=HTML)
    if path.startswith("/u/") and path.endswith(".pdf"):
        return Page(body=b"%PDF-1.4 " + path.encode() + b" %%EOF", media_type="application/pdf")
    number = _article_number(path, articles)
    if number is None:
        return Page(404, "<h1>页面不存在</h1>".encode(), HTML)
    return _article(number, if_none_match, visits)


def _home() -> str:
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>肥西县人民政府</title>'
        '</head><body><a href="/xwzx/tzgg/index.html">通知公告</a> <a href="/old/tzgg.html">旧版通知公告</a>'
        ' <a href="/admin/login.jsp">后台</a> <a href="https://www.gov.cn/">中国政府网</a></body></html>'
    )


def _list(path: str, articles: int) -> Page:
    pages = max(1, -(-articles // PER_LIST))
    index = 0 if path.endswith("index.html") else int(path.rsplit("_", 1)[1].split(".")[0])
    if index >= pages:
        return Page(404)
    first = index * PER_LIST
    items = "".join(
        f'<li><a href="{article_path(n)}" title="{article_title(n)}">{article_title(n)}</a>'
        f"<span>{article_day(n):%Y-%m-%d}</span></li>"
        for n in range(first, min(first + PER_LIST, articles))
    )
    following = f'<a href="index_{index + 1}.html">下一页</a>' if index + 1 < pages else ""
    body = (
        '<html><head><meta charset="utf-8"><title>通知公告_肥西县人民政府</title></head><body>'
        '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xwzx/">新闻中心</a> &gt; '
        f'<a href="/xwzx/tzgg/index.html">通知公告</a></div><ul class="list">{items}</ul>'
        f'<div class="page">共 {pages} 页 {following}</div></body></html>'
    )
    return Page(body=body.encode(), media_type=HTML)


def _article_number(path: str, articles: int) -> int | None:
    if not path.startswith("/xwzx/tzgg/") or "_" not in path:
        return None
    try:
        number = int(path.rsplit("_", 1)[1].removesuffix(".html"))
    except ValueError:
        return None
    return number if 0 <= number < articles and path == article_path(number) else None


def _article(number: int, if_none_match: str | None, visits: Visits) -> Page:
    day, title = article_day(number), article_title(number)
    tag = '"' + hashlib.sha1(f"{number}".encode()).hexdigest()[:16] + '"'
    modified = f"{day:%a, %d %b %Y} 08:00:00 GMT"
    if if_none_match == tag:
        visits.conditional_hits += 1
        return Page(304, headers={"etag": tag, "last-modified": modified})
    attachment = f'<p>附件：<a href="/u/{number}.pdf">{title}.pdf</a></p>' if number % 10 == 0 else ""
    body = (
        f'<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="{title}">'
        f'<meta name="PubDate" content="{day:%Y-%m-%d} 09:30"><meta name="ContentSource" content="肥西县应急管理局">'
        f'<meta name="ColumnName" content="通知公告"><title>{title}_肥西县人民政府</title></head><body>'
        f'<div class="TRS_Editor"><p>各乡镇人民政府、开发区管委会，县直各有关单位：</p><p>{title}，请认真贯彻落实。'
        f"第{number}号文件的具体要求如下：加强组织领导，压实工作责任，确保各项措施落到实处。</p>{attachment}"
        f'<p><a href="/xwzx/tzgg/index.html">返回列表</a></p></div></body></html>'
    )
    return Page(body=body.encode(), media_type=HTML, headers={"etag": tag, "last-modified": modified})
