"""How pages are served: hosts, conditional requests, 适老化 mode, methods, stale and repeated events."""

from __future__ import annotations

import asyncio
import re
from typing import NamedTuple

import pytest
from jinja2 import UndefinedError
from prometheus_client import REGISTRY

from services.render.cache import Page, PageCache
from services.render.main import RenderRuntime
from services.render.tests.support import eventually, message, site, site_ready
from services.render.themes import Themes
from shared.events.content import DocumentPublished, SiteUpdated
from shared.page_headers import csp_hash

HEFEI = site("hefei", "合肥市人民政府", "3401000001", domains=("hefei.gov.cn",))


async def opened(feeder, pages) -> dict[str, int]:
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    return channels


async def test_hosts_main_domain_preview_and_unknown(pages, feeder) -> None:
    await opened(feeder, pages)
    moved = await pages.get("/zwdt/?page=2", headers={"host": "hefei.gov.cn"})
    assert moved.status_code == 301 and moved.headers["location"] == "http://www.hefei.gov.cn/zwdt/?page=2"
    assert (await pages.get("/", headers={"host": "hefei.localhost:8000"})).status_code == 200
    unknown = await pages.get("/", headers={"host": "www.nowhere.gov.cn"})
    assert unknown.status_code == 404 and "本平台没有这个网站" in unknown.text
    assert (await pages.get("/zwdt")).headers["location"] == "https://www.hefei.gov.cn/zwdt/"


async def test_conditional_get_head_and_methods(pages, feeder) -> None:
    await opened(feeder, pages)
    first = await pages.get("/zwdt/")
    assert first.headers["etag"] and "stale-while-revalidate" in first.headers["cache-control"]
    assert first.headers["last-modified"].endswith("GMT")
    again = await pages.get("/zwdt/", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = await pages.head("/zwdt/")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == first.headers["etag"]
    refused = await pages.post("/zwdt/", content=b"x")
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD"
    css = await pages.get("/_static/default/site.css")
    assert css.status_code == 200 and "immutable" in css.headers["cache-control"]
    assert (await pages.get("/_static/../config.py")).status_code == 404


async def test_elder_mode_is_switched_by_a_link_and_cached_apart(pages, feeder) -> None:
    await opened(feeder, pages)
    standard = await pages.get("/zwdt/")
    assert 'class="elder"' not in standard.text and "/_mode/elder?next=/zwdt/" in standard.text
    switch = await pages.get("/_mode/elder", params={"next": "/zwdt/"})
    assert switch.status_code == 303 and switch.headers["location"] == "/zwdt/"
    assert "sg_mode=elder" in switch.headers["set-cookie"]
    elder = await pages.get("/zwdt/", headers={"cookie": "sg_mode=elder"})
    assert '<html lang="zh-CN" class="elder">' in elder.text and "退出适老化模式" in elder.text
    assert elder.headers["vary"] == "Cookie"
    outside = await pages.get("/_mode/elder", params={"next": "//evil.example/"})
    assert outside.headers["location"] == "/"


async def test_a_site_being_built_answers_503(pages, feeder) -> None:
    await opened(feeder, pages)
    building = HEFEI.model_copy(update={"status": "building"})
    version = feeder.next_version("site:hefei")
    await feeder.send(SiteUpdated(site_id="hefei", aggregate_id="hefei", aggregate_version=version, site=building))

    async def closed() -> bool:
        return (await pages.get("/")).status_code == 503

    await eventually(closed)
    assert "网站建设中" in (await pages.get("/")).text


async def test_stale_and_repeated_events_change_nothing(app, pages, feeder) -> None:
    channels = await opened(feeder, pages)
    doc = feeder.document(HEFEI, (channels["zwdt/yw"], "zwdt/yw"), "合肥市政务公开工作要点")
    newer = doc.model_copy(update={"title": "合肥市二〇二六年政务公开工作要点"})
    first = message(feeder.event(DocumentPublished, doc))
    second = message(feeder.event(DocumentPublished, newer))
    await feeder.bus.publish_batch([second])
    await eventually(lambda: _shows(pages, doc.url_path, newer.title))
    skipped = _duplicates()
    await feeder.bus.publish_batch([first, second])  # an older version, then a redelivery (one key: in order)

    async def both_handled() -> bool:
        return _duplicates() > skipped

    await eventually(both_handled)
    assert newer.title in (await pages.get(doc.url_path)).text


async def _shows(pages, path: str, text: str) -> bool:
    response = await pages.get(path)
    return response.status_code == 200 and text in response.text


def _duplicates() -> float:
    return REGISTRY.get_sample_value("sitegroup_events_duplicate_total", {"consumer": "render.pages"}) or 0.0


async def test_a_page_built_while_an_event_changes_it_is_not_kept(app, pages, feeder, monkeypatch) -> None:
    """The race a fresh Kafka namespace showed: a page read before an event commits and stored after its
    invalidation would be served stale until the next change. It answers the request it was built for; a
    request joining that build afterwards, and every later one, gets the page as it is now."""
    channels = await opened(feeder, pages)
    doc = feeder.document(HEFEI, (channels["zwdt/tzgg"], "zwdt/tzgg"), "关于做好2026年政府网站年度报表工作的通知")
    server, cache = RenderRuntime.of(app).pages, RenderRuntime.of(app).deps.cache
    build, invalidate, join = server.builder.build, cache.invalidate, server._join
    read, applied, joining, release = asyncio.Event(), asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def build_held(request):
        page = await build(request)
        read.set()
        await release.wait()
        return page

    def invalidate_and_note(tags: set[str]) -> int:
        dropped = invalidate(tags)
        if f"doc:{doc.id}" in tags:
            applied.set()
        return dropped

    async def join_and_note(pending):
        joining.set()
        return await join(pending)

    monkeypatch.setattr(server.builder, "build", build_held)
    monkeypatch.setattr(cache, "invalidate", invalidate_and_note)
    monkeypatch.setattr(server, "_join", join_and_note)
    before = asyncio.create_task(pages.get(doc.url_path))
    await read.wait()  # the page is read: the document is not published yet
    await feeder.publish(doc)
    await applied.wait()
    joined = asyncio.create_task(pages.get(doc.url_path))
    await joining.wait()
    release.set()
    assert (await before).status_code == 404  # answered from the read that began before the event
    assert (await joined).status_code == 200 and doc.title in (await joined).text
    monkeypatch.setattr(server.builder, "build", build)
    now = await pages.get(doc.url_path)
    assert now.status_code == 200 and doc.title in now.text


def test_freshness_remembers_invalidations_only_while_builds_run() -> None:
    cache = PageCache(10)
    listing = Page(200, "<p>通知公告</p>".encode(), "text/html", frozenset({"list:hefei:zwdt"}))
    home = Page(200, "<p>合肥市人民政府</p>".encode(), "text/html", frozenset({"site:hefei"}))
    cache.invalidate({"site:hefei"})  # no build running: nothing to remember
    with cache.freshness.build() as outer:
        with cache.freshness.build() as inner:
            cache.invalidate({"list:hefei:zwdt"})
            assert not cache.put(PageCache.key("hefei", "/zwdt/", "std"), listing, inner)
        assert cache.put(PageCache.key("hefei", "/", "std"), home, outer)
        assert not cache.freshness.unchanged({"list:hefei:zwdt"}, outer)
    assert cache.freshness.unchanged({"list:hefei:zwdt"}, 0) and len(cache) == 1


async def test_pages_allow_only_the_platforms_own_assets_and_their_one_inline_style(pages, feeder) -> None:
    await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    page = await pages.get("/zwdt/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "frame-ancestors 'self'" in policy
    [style] = re.findall(r"<style>(.*?)</style>", page.text, re.S)
    assert csp_hash(style) in policy  # the site's colours, allowed by their exact text
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["x-frame-options"] == "SAMEORIGIN"
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "content-security-policy" in (await pages.get("/no/such/page.html")).headers
    assert (await pages.get("/sitemap.xml")).headers["x-content-type-options"] == "nosniff"


def test_a_pages_headers_are_computed_when_first_asked_and_kept() -> None:
    page = Page(200, "<p>通知公告</p>".encode(), "text/html; charset=utf-8", styles=(":root{--primary:#b3000c}",))
    headers = dict(page.headers)
    assert headers[b"etag"].decode() == page.etag and page.etag.startswith('"')
    assert headers[b"content-length"] == str(len(page.body)).encode() and b"content-security-policy" in headers
    page.headers.append((b"x-robots-tag", b"noindex"))  # a page's own additions stay with it
    assert page.headers[-1] == (b"x-robots-tag", b"noindex") and page.etag == headers[b"etag"].decode()


class ChannelRef(NamedTuple):
    title: str


def test_a_dicts_keys_and_methods_read_in_a_template_as_jinja_reads_them() -> None:
    env = Themes().environment("default", "hefei")
    shown = env.from_string("{{ d.title }}|{{ d.items() | list | length }}|{{ d.get('title') }}|{{ r.title }}")
    assert shown.render(d={"title": "通知", "items": [1]}, r=ChannelRef("公告")) == "通知|2|通知|公告"
    with pytest.raises(UndefinedError):
        env.from_string("{{ d.missing }}").render(d={"title": "通知"})
