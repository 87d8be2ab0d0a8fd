"""A job's 正文规则 in Chromium: 合肥's site admin reads a legacy site (served on loopback) with a job, opens its
rules, previews a body selector on a sample page (the new rules' reading beside the saved one, the main text in a
box), is told beside the field when a selector is not CSS, and saves the rules. Every page on the way passes
axe-core, validates in the Nu HTML Checker (as served: a preview is the answer to a POST), and is photographed
(var/browser/console/migration-rules.png is the preview)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from services.transition.tests.legacy_site import article_path, article_title, legacy_site
from shared.testing import serve_on_port
from tests.browser.test_console import Visited, sign_in
from tests.browser.test_html_validity import _validate

pytestmark = [pytest.mark.browser, pytest.mark.embedded_only]
SECOND_PARAGRAPH = ".TRS_Editor p:nth-of-type(2)"


def as_served(seen: Visited, page: Page, name: str, action: str) -> None:
    """The answer to the form's POST as the server sent it, kept for the Nu HTML Checker beside the others."""
    fields = {n: page.input_value(f"[name={n}]") for n in ("csrf", "title", "body", "date", "source", "remove", "urls")}
    answer = page.request.post(page.url, form=fields | {"action": action}, max_redirects=0)
    path = seen.folder / f"{name}.html"
    path.write_text(answer.text(), encoding="utf-8")
    seen.html[path] = name


def test_a_site_admin_previews_and_saves_a_jobs_rules(browser: Browser, live_server, tmp_path) -> None:
    seen = Visited(tmp_path)
    legacy, _ = legacy_site(9)
    with serve_on_port(legacy) as old:
        admin = sign_in(browser, live_server, "hefei-admin")
        admin.goto(f"{live_server}/console/migration/hefei/jobs")
        admin.fill("#f-source", "http://old.hefei.gov.cn/")
        admin.fill("#f-mapping", "通知公告=zwdt/tzgg")
        admin.fill("#f-per_second", "300")
        admin.fill("#f-resolve", f"old.hefei.gov.cn={urlsplit(old).netloc}")
        admin.click("button:has-text('开始迁移')")
        admin.wait_for_url("**/console/migration/hefei/jobs/*")
        admin.wait_for_selector("#progress:has-text('已完成')", timeout=60_000)
        admin.click("a:has-text('编辑正文规则')")
        admin.wait_for_url("**/rules")
        assert "old.hefei.gov.cn/xwzx/tzgg/" in admin.input_value("#f-urls")  # the pages the job read
        seen.check(admin, "migration-rules-form")

        admin.fill("#f-body", SECOND_PARAGRAPH)
        admin.fill("#f-remove", ".share")
        admin.fill("#f-urls", f"http://old.hefei.gov.cn{article_path(4)}\nhttp://old.hefei.gov.cn/no/such.html")
        admin.click("button:has-text('预览')")
        admin.wait_for_selector("h2:has-text('预览结果')")
        new, saved = admin.inner_text("#body-1-1"), admin.inner_text("#body-1-2")
        assert article_title(4) in new and "各乡镇人民政府" not in new and "各乡镇人民政府" in saved
        assert "返回 404" in admin.inner_text("main")  # the second sample, said why
        seen.check(admin, "migration-rules")
        as_served(seen, admin, "migration-rules-preview-served", "preview")

        admin.fill("#f-body", "div[[zoom")
        admin.click("button:has-text('预览')")
        assert admin.locator("#f-body[aria-invalid=true]").count() == 1
        assert "不是有效的 CSS 选择器" in admin.inner_text("#e-body")
        seen.check(admin, "migration-rules-refused")
        as_served(seen, admin, "migration-rules-refused-served", "preview")

        admin.fill("#f-body", SECOND_PARAGRAPH)
        admin.click("button:has-text('保存规则')")
        admin.wait_for_selector("text=正文规则已保存")
        assert admin.input_value("#f-body") == SECOND_PARAGRAPH
    errors = _validate(list(seen.html))
    invalid = [f"{seen.html[p]}: {e['message']}" for e in errors for p in seen.html if str(p) in e["url"]]
    assert not seen.problems and not invalid, "\n".join(seen.problems + invalid)
