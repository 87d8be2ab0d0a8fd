"""The letters desk in Chromium: the 肥西 letters office opens its queue (overdue first, said in words), routes a
letter to a department, whose handler replies from a template; the office approves and publishes. Every page on
the way passes axe-core, validates in the Nu HTML Checker, and is photographed for the issue's note."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.test_console import Visited, sign_in
from tests.browser.test_html_validity import _validate

pytestmark = [pytest.mark.browser, pytest.mark.embedded_only]


def test_a_letter_is_routed_replied_and_published_at_the_desk(browser: Browser, live_server, tmp_path) -> None:
    seen = Visited(tmp_path)
    office = sign_in(browser, live_server, "feixi-letters")
    assert "待办信件" in office.inner_text("main")  # the dashboard counts the open letters
    office.click("nav.menu a:has-text('信件办理')")
    office.wait_for_url("**/console/letters/feixi/")
    assert office.locator("table.letters tbody tr").count() >= 2 and "个工作日" in office.inner_text("table.letters")
    seen.check(office, "letters-queue")
    office.click("table.letters a:has-text('公积金贷款额度')")  # the one still waiting to be accepted
    office.select_option("#f-accept-unit", "zjj")
    office.click("section:has(#h-accept) button")
    office.wait_for_selector("text=已受理")
    seen.check(office, "letters-letter")
    letter_url = office.url
    handler = browser.new_context(locale="zh-CN").new_page()
    handler.goto(letter_url)  # the office forwards the link; the department's desk is its own
    assert handler.locator("h1").inner_text() == "用户登录"
    handler.context.close()
    office.select_option("#f-template", label="政策咨询答复")
    office.click("button:has-text('套用模板')")
    assert "根据{文件名称}规定" in office.input_value("#f-reply")
    office.fill(
        "#f-reply", "您好！住房公积金贷款额度按缴存余额和还款能力计算，夫妻双方均缴存的可按家庭计算，最高 60 万元。"
    )
    office.click("section:has(#h-draft) button:has-text('提交答复审核')")
    office.wait_for_selector("text=答复草稿（待审核）")
    office.click("section:has(#h-approve) button")
    office.wait_for_selector("text=已审核通过并答复")
    office.click("section:has(#h-publish) button")
    office.wait_for_selector("text=同意公开")
    assert "（已公开）" in office.inner_text("dl.meta")
    seen.check(office, "letters-answered")
    for path, name in (("stats", "letters-stats"), ("templates", "letters-templates")):
        office.goto(f"{live_server}/console/letters/feixi/{path}")
        seen.check(office, name)
    office.goto(f"{live_server}/console/engagement/feixi/")
    seen.check(office, "engagement-overview")
    for kind in ("consultations", "surveys", "interviews"):
        office.click(f"table.list a[href*='/{kind}/'] >> nth=0")
        seen.check(office, f"engagement-{kind}")
        office.goto(f"{live_server}/console/engagement/feixi/{kind}/new")
        seen.check(office, f"engagement-{kind}-new")
        office.goto(f"{live_server}/console/engagement/feixi/")
    office.goto(f"{live_server}/console/engagement/feixi/moderation")
    seen.check(office, "engagement-moderation")
    office.goto(f"{live_server}/console/account/letters")  # 个人中心: a wrong 查询码 named beside its field
    office.fill("#f-code", "ACDEFGHJKLMN")
    office.click("button:has-text('加入我的信件')")
    office.wait_for_selector("#f-code-problem")
    seen.check(office, "account-letters")
    operator = sign_in(browser, live_server, "operator")
    for path, name in (("calendar?year=2027", "letters-calendar"), ("overview", "letters-overview")):
        operator.goto(f"{live_server}/console/letters/{path}")
        seen.check(operator, name)
    errors = _validate(list(seen.html))
    invalid = [f"{seen.html[p]}: {e['message']}" for e in errors for p in seen.html if str(p) in e["url"]]
    assert not seen.problems and not invalid, "\n".join(seen.problems + invalid)
