"""Smoke test of the browser harness: a demo site's home page in Chromium, axe-core, the Tab order.

Accessibility findings are reported (the "browser report" section at the end of the run), not asserted,
until the render service's real pages arrive."""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, format_violations, page_links, tab_through

pytestmark = [pytest.mark.browser, pytest.mark.embedded_only]


def test_home_page_of_a_site_opens_on_its_own_host(page, live_server, browser_report) -> None:
    # <site>.localhost: Chromium resolves it to loopback itself; the gateway maps the host to the site.
    response = page.goto(live_server.site("hefei"), wait_until="load")
    assert response is not None and response.status == 200, response and response.status
    assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
    assert "合肥市人民政府" in page.title()

    violations = axe_violations(page)
    assert isinstance(violations, list)
    browser_report(f"{page.url} axe (serious, critical): {format_violations(violations)}")

    stops = tab_through(page)
    reached = {stop.href for stop in stops}
    links = page_links(page)
    unreached = [href for href in links if href not in reached]
    no_indicator = [stop for stop in stops if not stop.focus_visible]
    browser_report(
        f"Tab: {len(stops)} stops, {len(links)} links, {len(unreached)} not reached by keyboard, "
        f"{len(no_indicator)} without a visible focus indicator {no_indicator[:5]}"
    )
