"""The console's 数据开放 section and the developer page in Chromium: 合肥市生态环境局's data publisher goes through
the demo's datasets, a dataset's page, its data dictionary, the form for a new one (refused beside its fields),
the applications and the statistics; a publisher uploads a ragged file and reads the report. Every page on the way
passes axe-core, validates in the Nu HTML Checker, and is photographed."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.test_console import Visited, sign_in
from tests.browser.test_html_validity import _validate

pytestmark = [pytest.mark.browser, pytest.mark.embedded_only]
SITE = "hefei-sthjj"


def test_a_data_publisher_goes_through_the_section(browser: Browser, live_server, tmp_path) -> None:
    seen = Visited(tmp_path)
    publisher = sign_in(browser, live_server, f"{SITE}-data")
    publisher.click("nav.menu a:has-text('数据开放')")
    publisher.wait_for_url(f"**/console/opendata/{SITE}/")
    assert "合肥市环境空气质量日报" in publisher.inner_text("main")
    seen.check(publisher, "opendata-datasets")
    publisher.click("a:has-text('合肥市环境空气质量日报')")
    seen.check(publisher, "opendata-dataset")
    publisher.click("a[href$='/dictionary'] >> nth=0")
    seen.check(publisher, "opendata-dictionary")
    publisher.goto(f"{live_server}/console/opendata/{SITE}/new")
    publisher.fill("input[name=title]", "合肥市噪声监测数据")
    publisher.fill("input[name=publisher]", "合肥市生态环境局")
    publisher.fill("input[name=theme]", "生态环境")
    publisher.fill("input[name=name]", "hefei-air-quality")  # taken: refused by the API, said beside the field
    publisher.click("button[type=submit] >> nth=-1")
    assert publisher.locator("[aria-invalid=true]").count() >= 1
    seen.check(publisher, "opendata-form-refused")
    for path, name in (("requests", "opendata-requests"), ("stats", "opendata-stats")):
        publisher.goto(f"{live_server}/console/opendata/{SITE}/{path}")
        seen.check(publisher, name)
    publisher.goto(f"{live_server}/console/account/developer")
    seen.check(publisher, "opendata-developer")
    errors = _validate(list(seen.html))
    invalid = [f"{seen.html[p]}: {e['message']}" for e in errors for p in seen.html if str(p) in e["url"]]
    assert not seen.problems and not invalid, "\n".join(seen.problems + invalid)
