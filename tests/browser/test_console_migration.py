"""The console's 网站迁移 section in Chromium: 合肥's site admin plans a migration of a legacy site (served on
loopback), is told beside the field what the plan lacks, follows the job to the end with its live progress, and
decides a legacy URL in the URL map. Every page on the way passes axe-core, validates in the Nu HTML Checker, and
is photographed."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

from services.transition.tests.legacy_site import legacy_site
from shared.testing import serve_on_port
from tests.browser.test_console import Visited, sign_in
from tests.browser.test_html_validity import _validate

pytestmark = [pytest.mark.browser, pytest.mark.embedded_only]


def test_a_site_admin_migrates_a_legacy_site(browser: Browser, live_server, tmp_path) -> None:
    seen = Visited(tmp_path)
    legacy, _ = legacy_site(30)
    with serve_on_port(legacy) as old:
        admin = sign_in(browser, live_server, "hefei-admin")
        admin.click("nav.menu a:has-text('迁移任务')")
        admin.wait_for_url("**/console/migration/hefei/jobs")
        seen.check(admin, "migration-jobs")
        admin.fill("#f-source", "http://old.hefei.gov.cn/")
        admin.fill("#f-mapping", "通知公告=nowhere")
        admin.click("button:has-text('开始迁移')")
        assert admin.locator("#f-mapping[aria-invalid=true]").count() == 1
        seen.check(admin, "migration-plan-refused")
        admin.fill("#f-mapping", "通知公告=zwdt/tzgg")
        admin.fill("#f-per_second", "300")
        admin.fill("#f-resolve", f"old.hefei.gov.cn={urlsplit(old).netloc}")
        admin.click("button:has-text('开始迁移')")
        admin.wait_for_url("**/console/migration/hefei/jobs/*")
        admin.wait_for_selector("#progress:has-text('已完成')", timeout=60_000)  # refreshed in place
        assert "30" in admin.inner_text("#progress")
        seen.check(admin, "migration-job")
    admin.goto(f"{live_server}/console/migration/hefei/urlmap?state=gone")
    seen.check(admin, "migration-urlmap")
    admin.fill("input[aria-label='//old.hefei.gov.cn/xwzx/ 的新地址']", "/zwdt/")
    admin.click("button[aria-label='//old.hefei.gov.cn/xwzx/ 301 跳转到新地址']")
    assert "已保存" in admin.inner_text("main")
    errors = _validate(list(seen.html))
    invalid = [f"{seen.html[p]}: {e['message']}" for e in errors for p in seen.html if str(p) in e["url"]]
    assert not seen.problems and not invalid, "\n".join(seen.problems + invalid)
