"""The identity provider's pages in headless Chromium: the login page passes axe-core, is used with the
keyboard alone, says what went wrong in a way screen readers announce, and signs a demo account in."""

from __future__ import annotations

import os
import subprocess
from urllib.parse import urlencode

from playwright.sync_api import Page

from tests.browser.helpers import axe_violations, format_violations, tab_through
from tests.processes import sitegroup_command

CLIENT = "browser-portal"


def authorize_url(live_server, client_id: str = CLIENT) -> str:
    """A registered client's authorization request (PKCE S256 with a fixed verifier's challenge)."""
    query = {
        "client_id": client_id,
        "redirect_uri": f"{live_server}/oidc/callback",
        "response_type": "code",
        "scope": "openid profile",
        "state": "st-42",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",  # RFC 7636 appendix B
        "code_challenge_method": "S256",
    }
    return f"{live_server}/api/v1/identity/authorize?{urlencode(query)}"


def register_client(live_server, client_id: str = CLIENT, *extra: str) -> None:
    """As an operator would, with the CLI, next to the running platform."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SITEGROUP_", "IDENTITY_"))}
    env |= {"SITEGROUP_DATA_DIR": str(live_server.data_dir), "PORT": str(live_server.port)}
    done = subprocess.run(
        [
            sitegroup_command(),
            "identity",
            "register-client",
            client_id,
            "--name",
            "浏览器测试门户",
            "--public",
            "--redirect-uri",
            f"{live_server}/oidc/callback",
            *extra,
        ],
        env=env,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr.decode()


def test_the_login_page_is_accessible_and_signs_a_demo_account_in(page: Page, live_server, browser_report) -> None:
    register_client(live_server)
    response = page.goto(authorize_url(live_server), wait_until="load")
    assert response is not None and response.status == 200
    assert page.evaluate("() => document.documentElement.lang") == "zh-CN"
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    stops = tab_through(page)
    assert [s.tag for s in stops] == ["a", "input", "input", "input", "button", "a"], stops
    assert all(s.focus_visible for s in stops), stops
    page.fill("#username", "hefei-editor")
    page.fill("#password", "wrong-password")
    page.press("#password", "Enter")
    alert = page.locator("[role=alert]")
    assert alert.count() == 1 and "用户名、密码或动态口令错误" in alert.inner_text()
    assert not axe_violations(page), format_violations(axe_violations(page))
    page.fill("#username", "hefei-editor")
    page.fill("#password", "Zhengwu@2026")
    page.press("#password", "Enter")
    page.wait_for_url(f"{live_server}/oidc/callback?*")
    assert "code=" in page.url and "state=st-42" in page.url and "iss=" in page.url
    browser_report(f"login page: axe clean, {len(stops)} Tab stops, error announced, demo account signed in")


def test_a_citizen_signs_up_from_the_login_page_and_comes_back_to_it(page: Page, live_server, browser_report) -> None:
    register_client(live_server, "data-portal")
    page.goto(authorize_url(live_server, "data-portal"), wait_until="load")
    page.click("text=注册自然人或法人账号")
    assert page.locator("h1").inner_text() == "注册账号"
    assert not axe_violations(page), format_violations(axe_violations(page))
    page.fill("#username", "wangfang")
    page.fill("#name", "王芳")
    page.fill("#password", "short")
    page.press("#password", "Enter")
    assert "密码至少需要" in page.locator("#e-password").inner_text()
    assert not axe_violations(page), format_violations(axe_violations(page))
    page.fill("#password", "Shuju-Kaifang-2026")
    page.press("#password", "Enter")
    assert page.locator("h1").inner_text() == "注册成功"
    page.click("text=继续登录")
    assert page.locator("h1").inner_text() == "用户登录"
    page.fill("#username", "wangfang")
    page.fill("#password", "Shuju-Kaifang-2026")
    page.press("#password", "Enter")
    page.wait_for_url(f"{live_server}/oidc/callback?*")
    browser_report("sign-up page: axe clean with and without errors, back to the login it came from, signed in")


def test_the_consent_page_is_accessible_and_answers_the_client(page: Page, live_server, browser_report) -> None:
    register_client(live_server, "bus-times", "--third-party")
    page.goto(authorize_url(live_server, "bus-times"), wait_until="load")
    page.fill("#username", "hefei-editor")
    page.fill("#password", "Zhengwu@2026")
    page.press("#password", "Enter")
    page.wait_for_selector("text=授权确认")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    stops = tab_through(page)
    assert [s.text for s in stops[1:]] == ["同意授权", "拒绝"] and all(s.focus_visible for s in stops), stops
    page.locator("button[value=allow]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/oidc/callback?*")
    assert "code=" in page.url
    browser_report(f"consent page: axe clean, {len(stops)} Tab stops, allowed with the keyboard")
