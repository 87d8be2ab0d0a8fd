"""The demo sites in headless Chromium: every page type passes axe-core (no serious or critical findings),
keyboard-only navigation reaches every link with a visible focus, 适老化 mode and a phone-sized screen work."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import axe_violations, format_violations, page_links, tab_through

pytestmark = [pytest.mark.browser, pytest.mark.embedded_only]

PAGE_TYPES = {
    "home": "/",
    "channel list": "/zwdt/tzgg/",
    "channel list, page 2": "/zwdt/yw/index_2.html",
    "disclosure catalogue": "/zfxxgk/",
    "single page": "/zfxxgk/zn/",
    "site map": "/sitemap.html",
    "search form": "/search/",
    "search results with facets": "/search/?q=政务公开",
    "search of the whole group, corrected": "/search/?q=政俯信息公开&scope=group",
    "published letters": "/hdjl/xx/",
    "letter form": "/hdjl/xx/write.html",
    "letter lookup": "/hdjl/cx/",
    "letter statistics": "/hdjl/tj/",
    "依申请公开 form": "/zfxxgk/ysqgk/",
    "consultations": "/hdjl/zj/",
    "surveys": "/hdjl/dc/",
    "interviews": "/hdjl/ft/",
    "data catalogue": "/sjkf/",
    "dataset": "/sjkf/hefei-population.html",
}


def first_article(page: Page, live_server) -> str:
    page.goto(live_server.site("hefei", "/zwdt/tzgg/"))
    return page.locator("ul.items a").first.get_attribute("href")


def check_page(page: Page, url: str, browser_report, status: int = 200) -> None:
    refused: list[str] = []
    listener = lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None  # noqa: E731
    page.on("console", listener)
    response = page.goto(url, wait_until="load")
    page.remove_listener("console", listener)
    assert response is not None and response.status == status, (url, response and response.status)
    assert not refused, f"{url}: the page's own CSP refused: {refused}"
    primary = "() => getComputedStyle(document.documentElement).getPropertyValue('--primary').trim()"
    assert page.evaluate(primary) == "#b3000c", "the site's colours (its one inline style) apply under its CSP"
    assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
    assert page.locator("main#main").count() == 1 and page.locator("header").count() >= 1
    assert page.locator("footer").count() == 1 and page.locator("a.skip").count() == 1
    violations = axe_violations(page)
    assert not violations, f"{url}: {format_violations(violations)}"
    stops = tab_through(page)
    reached = {stop.href for stop in stops}
    unreached = [href for href in page_links(page) if href not in reached]
    assert not unreached, f"{url}: links not reached by keyboard: {unreached[:10]}"
    no_focus = [stop for stop in stops if not stop.focus_visible]
    assert not no_focus, f"{url}: focus not visible on {no_focus[:5]}"
    assert stops[0].text == "跳到主要内容", "the skip link comes first"
    browser_report(f"{url}: axe clean, {len(stops)} Tab stops, every link reached")


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_every_page_type_is_accessible(page, live_server, browser_report, kind) -> None:
    check_page(page, live_server.site("hefei", PAGE_TYPES[kind]), browser_report)


def test_articles_and_error_pages_are_accessible(page, live_server, browser_report) -> None:
    article = first_article(page, live_server)
    check_page(page, live_server.site("hefei", article), browser_report)
    assert page.locator("table.disclosure th", has_text="索引号").count() == 1
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", page.locator(".byline time").first.inner_text())
    check_page(page, live_server.site("hefei", "/no/such/page.html"), browser_report, status=404)


def test_the_skip_link_moves_focus_to_the_content(page, live_server) -> None:
    page.goto(live_server.site("hefei"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_elder_mode_is_switched_on_and_off_without_javascript(browser, live_server, browser_report) -> None:
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.site("hefei", "/zwdt/tzgg/"))
    normal = float(page.evaluate("() => getComputedStyle(document.body).fontSize").removesuffix("px"))
    with page.expect_navigation(url="**/zwdt/tzgg/"):  # the switch redirects back: read the page once loaded
        page.get_by_role("link", name="适老化模式").click()
    assert page.evaluate("() => document.documentElement.className") == "elder"
    large = float(page.evaluate("() => getComputedStyle(document.body).fontSize").removesuffix("px"))
    assert large >= 20 and large > normal
    with page.expect_navigation(url="**/zwdt/tzgg/"):
        page.get_by_role("link", name="退出适老化模式").click()
    assert page.evaluate("() => document.documentElement.className") == ""
    context.close()
    elder = browser.new_context(locale="zh-CN")
    host = f"hefei.localhost:{live_server.port}"
    elder.add_cookies([{"name": "sg_mode", "value": "elder", "domain": host.split(":")[0], "path": "/"}])
    check_page(elder.new_page(), live_server.site("hefei", "/zwdt/tzgg/"), browser_report)
    elder.close()


def test_a_phone_sized_screen_needs_no_sideways_scrolling(browser, live_server, browser_report) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    for path in ("/", "/zwdt/tzgg/", "/zfxxgk/", first_article(page, live_server)):
        check_page(page, live_server.site("hefei", path), browser_report)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path}: {overflow}px wider than the screen"
        assert page.locator("nav.mainnav").is_visible()
    context.close()


THEMED_SITES = {"province": "ah", "county": "feixi", "department": "ah-jyt"}


@pytest.mark.parametrize("theme", THEMED_SITES)
def test_each_theme_is_accessible_on_a_desk_and_on_a_phone(browser, live_server, browser_report, theme) -> None:
    """Three themes share the home page's blocks: each is checked whole, wide and narrow, plain and 适老化."""
    site = THEMED_SITES[theme]
    for viewport, elder in (({"width": 1280, "height": 900}, False), ({"width": 375, "height": 740}, True)):
        context = browser.new_context(locale="zh-CN", viewport=viewport)
        if elder:
            context.add_cookies([{"name": "sg_mode", "value": "elder", "domain": f"{site}.localhost", "path": "/"}])
        page = context.new_page()
        check_page(page, live_server.site(site), browser_report)
        assert page.evaluate("() => document.body.className") == f"theme-{theme}"
        assert page.evaluate("() => document.documentElement.className") == ("elder" if elder else "")
        assert page.locator(".blk-picture_news img").first.evaluate("img => img.naturalWidth") > 0
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{site} at {viewport['width']}px: {overflow}px wider than the screen"
        context.close()


def test_the_api_documentation_renders_without_any_outside_host(page, live_server, browser_report) -> None:
    """The browser here reaches nothing but the platform: Swagger UI must come from the platform itself."""
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if "127.0.0.1" not in request.url else None)
    page.goto(f"{live_server}/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for(timeout=20_000)
    assert "集约化政府网站平台 API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() > 50 and not outside, outside
    browser_report(f"{live_server}/api/v1/docs: Swagger UI drawn, {page.locator('.opblock').count()} operations")


def test_the_search_box_suggests_while_typing_and_searches_without_scripts(browser, live_server) -> None:
    for scripts in (True, False):
        context = browser.new_context(java_script_enabled=scripts)
        page = context.new_page()
        page.goto(live_server.site("hefei", "/"))
        box = page.locator("#site-search-q")
        box.fill("政务公开")
        if scripts:
            options = page.locator("datalist option")
            options.first.wait_for(state="attached", timeout=5000)
            assert any(
                "政务公开" in text
                for text in options.all_inner_texts() + [o.get_attribute("value") or "" for o in options.all()]
            )
        box.press("Enter")
        page.wait_for_url("**/search/?q=*")
        assert "找到相关结果约" in page.locator(".search-summary").inner_text()
        context.close()
