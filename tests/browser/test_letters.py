"""The letter form in headless Chromium: written and sent with the keyboard alone, a mistake shown at the top
and beside its field, the receipt's 查询码 finding the letter; every letters page axe-clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import axe_violations, format_violations
from tests.browser.test_pages import check_page

pytestmark = [pytest.mark.browser, pytest.mark.embedded_only]


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element has the focus (the way a keyboard user gets there)."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} not reached by Tab")


def test_a_letter_is_written_and_sent_by_keyboard_alone(page: Page, live_server, browser_report) -> None:
    page.goto(live_server.site("feixi", "/hdjl/xx/write.html"))
    tab_to(page, "#f-name")
    page.keyboard.type("张三丰")
    tab_to(page, "#f-phone")
    page.keyboard.type("13912345678")
    tab_to(page, "#f-title")
    page.keyboard.type("<b>路灯</b>")  # refused: markup
    tab_to(page, "#f-body")
    page.keyboard.type("金寨路与繁华大道交口往南约三百米的路灯已损坏两个多月，请尽快维修。")
    tab_to(page, ".letter-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    summary.wait_for()  # the answer to the post has replaced the page
    assert summary.is_visible() and "HTML" in page.locator("#title-error").inner_text()
    assert summary.locator('a[href="#f-title"]').count() == 1  # the summary leads to the field
    assert page.locator("#f-title").get_attribute("aria-invalid") == "true"
    assert page.locator("#f-body").input_value().startswith("金寨路")  # nothing typed is lost
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    page.locator("#f-title").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("关于金寨路路灯损坏的建议")
    tab_to(page, ".letter-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    code = page.locator(".tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{12}", code)
    tab_to(page, ".receipt + form button")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "待受理" in page.locator(".letter-facts").inner_text()
    assert "13912345678" not in page.content()
    browser_report(f"letter sent by keyboard alone, 查询码 {code} finds it")


def test_a_published_letter_is_accessible(page: Page, live_server, browser_report) -> None:
    page.goto(live_server.site("feixi", "/hdjl/xx/"))
    first = page.locator("table.letters a").first.get_attribute("href")
    check_page(page, live_server.site("feixi", first), browser_report)


@pytest.mark.parametrize("kind", ["zj", "dc", "ft"])
def test_each_consultation_survey_and_interview_page_is_accessible(
    page: Page, live_server, browser_report, kind
) -> None:
    page.goto(live_server.site("feixi", f"/hdjl/{kind}/"))
    for href in page.locator("ul.engagements a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        check_page(page, live_server.site("feixi", href), browser_report)
        if kind == "dc":
            check_page(page, live_server.site("feixi", href.replace(".html", "/results.html")), browser_report)
