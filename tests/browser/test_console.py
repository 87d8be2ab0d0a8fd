"""The staff console in Chromium, as its people use it: signed in through the real login page, an editor
writes a notice, three different reviewers pass it from their queues, the site shows it. Every console page on
the way passes axe-core (no serious or critical violation) at 1280×800 and at a tablet's 768×1024, is worked
with the keyboard, validates in the Nu HTML Checker, and is photographed for the issue's note."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page

from tests.browser.helpers import ROOT, axe_violations, format_violations, tab_through
from tests.browser.test_html_validity import _validate

PASSWORD = "Zhengwu@2026"
SHOTS = ROOT / "var" / "browser" / "console"
TITLE = "关于做好2027年元旦春节期间安全生产工作的通知"
BODY = "各县（市）区人民政府，市政府各部门：为切实做好元旦春节期间安全生产工作，现将有关事项通知如下。"
DESKTOP, TABLET = {"width": 1280, "height": 800}, {"width": 768, "height": 1024}


class Visited:
    """Pages seen on the way: each checked with axe-core, photographed, and kept for the Nu HTML Checker."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.html, self.problems = folder, {}, []
        SHOTS.mkdir(parents=True, exist_ok=True)

    def check(self, page: Page, name: str) -> None:
        violations = axe_violations(page)
        if violations:
            self.problems.append(f"{name} ({page.url}): {format_violations(violations)}")
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        path = self.folder / f"{name}.html"
        path.write_text(page.request.get(page.url).text(), encoding="utf-8")  # as served, before scripts run
        self.html[path] = name


def sign_in(browser: Browser, live_server, username: str, viewport=DESKTOP) -> Page:
    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    page.goto(f"{live_server}/console/")
    assert page.locator("h1").inner_text() == "用户登录"
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/console/")
    return page


def tab_until(page: Page, text: str) -> int:
    """Tabs from the top of the page until the element showing `text` has focus (a date input takes a Tab per
    part, which tab_through, stopping at a repeat, does not follow)."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for presses in range(1, 100):
        page.keyboard.press("Tab")
        if page.evaluate("() => (document.activeElement.innerText || '').trim()") == text:
            return presses
    raise AssertionError(f"{text} is not reached with Tab")


def test_a_notice_written_and_reviewed_by_three_people_in_the_browser(
    browser: Browser, live_server, tmp_path, browser_report
) -> None:
    seen = Visited(tmp_path)
    editor = sign_in(browser, live_server, "hefei-editor")
    seen.check(editor, "dashboard-editor")
    editor.click("text=稿件列表")
    editor.wait_for_url("**/console/content/hefei/")
    seen.check(editor, "documents")
    editor.click("a.button:has-text('写稿件')")
    seen.check(editor, "editor")
    editor.fill("#f-title", TITLE)
    editor.select_option("#f-channel_id", label="　通知公告")
    editor.click(".ql-editor")
    editor.keyboard.type(BODY)
    editor.fill("#f-document_number", "合政办〔2026〕30号")
    editor.click("button:has-text('保存并提交审核')")
    editor.wait_for_selector("text=已保存并提交审核")
    seen.check(editor, "document-in-review")
    document = editor.url.split("?")[0]
    for username in ("hefei-chushen", "hefei-shenhe", "hefei-shenfa"):
        reviewer = sign_in(browser, live_server, username)
        seen.check(reviewer, f"dashboard-{username}")
        reviewer.click("text=我的审核队列")
        seen.check(reviewer, f"queue-{username}")
        reviewer.click(f"text={TITLE}")
        seen.check(reviewer, f"decide-{username}")
        reviewer.click("button:has-text('审核通过')")
        reviewer.wait_for_selector("text=已审核通过")
        reviewer.context.close()
    editor.goto(document)
    assert "已上线" in editor.inner_text("main")
    seen.check(editor, "document-published")
    site = editor.context.new_page()
    site.goto(live_server.site("hefei", "/zwdt/tzgg/"))
    assert TITLE in site.inner_text("main")
    errors = _validate(list(seen.html))
    invalid = [f"{seen.html[Path(e['url'].removeprefix('file:'))]}: {e['message']}" for e in errors]
    assert not seen.problems and not invalid, "\n".join(seen.problems + invalid)
    browser_report(f"console: {len(seen.html)} pages, 0 axe violations, Nu checker clean; screenshots in {SHOTS}")


WORD = (  # what Word puts on the clipboard: mso classes and styles, fonts, colours, <o:p>
    "<html xmlns:o='urn:schemas-microsoft-com:office:office'><body><!--StartFragment-->"
    "<p class=MsoNormal style='mso-line-height-alt:28.0pt;text-indent:32.0pt'><span style='font-family:仿宋_GB2312;"
    "color:red;mso-bidi-font-family:宋体'>现将有关事项通知如下。<o:p></o:p></span></p>"
    "<p class=MsoNormal><b><span style='font-family:黑体'>一、总体要求</span></b><o:p></o:p></p>"
    "<!--EndFragment--></body></html>"
)
PASTE = """(html) => {
  const data = new DataTransfer();
  data.setData('text/html', html);
  data.setData('text/plain', '现将有关事项通知如下。一、总体要求');
  const event = new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true});
  document.querySelector('.ql-editor').dispatchEvent(event);
}"""


def test_text_pasted_from_word_is_cleaned_and_saved_as_written(browser: Browser, live_server) -> None:
    editor = sign_in(browser, live_server, "hefei-editor")
    editor.goto(f"{live_server}/console/content/hefei/new")
    assert editor.locator(".ql-toolbar button[aria-label='加粗']").count() == 1
    editor.fill("#f-title", "关于做好2027年春运工作的通知")
    editor.select_option("#f-channel_id", label="　通知公告")
    editor.click(".ql-editor")
    editor.keyboard.type("各县（市）区人民政府：")
    editor.keyboard.press("Enter")
    editor.evaluate(PASTE, WORD)
    editor.click("button:has-text('保存草稿')")
    editor.wait_for_selector("text=草稿已保存")
    body = editor.inner_html(".body")
    assert (
        "各县（市）区人民政府：" in body
        and "现将有关事项通知如下。" in body
        and "<strong>一、总体要求</strong>" in body
    )
    for word_only in ("mso", "style=", "font-family", "o:p", "MsoNormal", "仿宋"):
        assert word_only not in body, (word_only, body)
    editor.click("a.button:has-text('修改')")
    assert "一、总体要求" in editor.inner_text(".ql-editor")  # the saved HTML comes back into the editor


def test_files_are_uploaded_with_a_progress_bar(browser: Browser, live_server, tmp_path) -> None:
    table = tmp_path / "春节值班表.csv"
    table.write_text("序号,单位,值班电话\n" + "".join(f"{n},合肥市应急管理局,0551-6{n:07d}\n" for n in range(60_000)))
    editor = sign_in(browser, live_server, "hefei-editor")
    editor.goto(f"{live_server}/console/content/hefei/new")
    editor.fill("#f-title", "关于做好2027年春节期间值班工作的通知")
    editor.select_option("#f-channel_id", label="　通知公告")
    editor.click(".ql-editor")
    editor.keyboard.type("现将春节期间值班表印发给你们，请认真执行。")
    editor.set_input_files("#f-files", str(table))
    with editor.expect_request(lambda r: r.method == "POST" and r.resource_type == "xhr") as sent:
        editor.click("button:has-text('保存草稿')")
    assert sent.value.url.endswith("/console/content/hefei/new"), sent.value.url  # by XHR: the bar shows the bytes sent
    editor.wait_for_selector("text=草稿已保存")
    assert "春节值班表.csv" in editor.inner_text("main"), editor.inner_text("main")[:500]


def test_a_picture_goes_into_the_text_from_the_image_button(browser: Browser, live_server, tmp_path) -> None:
    picture = tmp_path / "春运现场.png"
    Image.new("RGB", (1200, 675), (29, 79, 145)).save(picture)
    editor = sign_in(browser, live_server, "hefei-editor")
    editor.goto(f"{live_server}/console/content/hefei/new")
    editor.fill("#f-title", "2027年春运首日客流平稳有序")
    editor.select_option("#f-channel_id", label="　要闻动态")
    editor.click(".ql-editor")
    editor.keyboard.type("1月24日，春运首日，全市各客运站秩序井然。")
    with editor.expect_file_chooser() as chooser:
        editor.click(".ql-toolbar button[aria-label='插入图片']")
    chooser.value.set_files(str(picture))
    editor.wait_for_selector(".ql-editor img")
    editor.click("button:has-text('保存草稿')")
    editor.wait_for_selector("text=草稿已保存")
    shown = editor.locator(".body img")
    assert shown.count() == 1 and shown.evaluate("img => img.naturalWidth") == 800  # the 800-pixel rendition


def test_the_editor_and_the_queue_work_with_the_keyboard_and_on_a_tablet(
    browser: Browser, live_server, tmp_path
) -> None:
    seen = Visited(tmp_path)
    editor = sign_in(browser, live_server, "hefei-editor", viewport=TABLET)
    editor.goto(f"{live_server}/console/content/hefei/new")
    seen.check(editor, "tablet-editor")
    assert tab_until(editor, "保存并提交审核") < 60  # every field on the way, the date's parts one Tab each
    assert all(stop.focus_visible for stop in tab_through(editor))
    editor.goto(f"{live_server}/console/content/hefei/")
    seen.check(editor, "tablet-documents")
    reviewer = sign_in(browser, live_server, "hefei-chushen", viewport=TABLET)
    reviewer.goto(f"{live_server}/console/review/")
    seen.check(reviewer, "tablet-queue")
    assert all(stop.focus_visible for stop in tab_through(reviewer))
    assert not seen.problems, "\n".join(seen.problems)


def test_a_person_of_one_site_never_sees_another(browser: Browser, live_server) -> None:
    editor = sign_in(browser, live_server, "feixi-editor")
    editor.goto(f"{live_server}/console/content/")
    assert "合肥市人民政府" not in editor.inner_text("main")
    for path in ("/console/content/hefei/", "/console/content/hefei/new", "/console/review/hefei/1"):
        answer = editor.goto(f"{live_server}{path}")
        assert answer is not None and answer.status in (403, 404), path
        assert "合肥" not in editor.inner_text("main").replace("hefei", ""), path


@pytest.fixture(autouse=True)
def _java() -> None:
    if shutil.which("java") is None:
        pytest.fail("the Nu HTML Checker needs Java (scripts/browser/setup.sh installs it)")


def test_the_desks_of_site_admins_operators_and_auditors_are_accessible(
    browser: Browser, live_server, tmp_path
) -> None:
    seen = Visited(tmp_path)
    admin = sign_in(browser, live_server, "hefei-admin")
    admin.click("text=人员与角色")
    admin.wait_for_url("**/console/site/hefei/people")
    assert "合肥市人民政府信息编辑" in admin.inner_text("main")
    seen.check(admin, "site-people")
    admin.click("text=外观与首页")
    admin.wait_for_url("**/console/site/hefei/theme")
    seen.check(admin, "site-theme")
    auditor = sign_in(browser, live_server, "auditor")
    auditor.click("text=审计日志")
    auditor.select_option("#f-source", "identity")
    auditor.click("button:has-text('查询')")
    assert "role.granted" in auditor.inner_text("main")
    seen.check(auditor, "audit")
    for path, name in (("channels", "site-channels"), ("redirects", "site-redirects")):
        admin.goto(f"{live_server}/console/site/hefei/{path}")
        seen.check(admin, name)
    operator = sign_in(browser, live_server, "operator")
    operator.click("text=网站群概览")
    assert "合肥市人民政府" in operator.inner_text("main")
    seen.check(operator, "operator-overview")
    for path, name in (("changes", "operator-changes"), ("template", "operator-template")):
        operator.goto(f"{live_server}/console/operator/{path}")
        seen.check(operator, name)
    security = sign_in(browser, live_server, "secadmin")
    security.goto(f"{live_server}/console/security/?username=hefei-editor")
    assert "hefei-editor" in security.inner_text("main")
    seen.check(security, "security-account")
    editor = sign_in(browser, live_server, "hefei-editor")
    editor.click("text=稿件列表")
    editor.click("table.list a >> nth=0")
    editor.click("text=修订记录")
    seen.check(editor, "revisions")
    editor.go_back()
    editor.click("text=关联政策文件")
    seen.check(editor, "links")
    editor.goto(f"{live_server}/console/content/hefei/library?q=政务公开")
    seen.check(editor, "library")
    search_desk(editor, live_server, seen)
    errors = _validate(list(seen.html))
    invalid = [f"{seen.html[Path(e['url'].removeprefix('file:'))]}: {e['message']}" for e in errors]
    assert not seen.problems and not invalid, "\n".join(seen.problems + invalid)


def search_desk(editor: Page, live_server, seen: Visited) -> None:
    """站内搜索: a synonym group added, a best bet refused beside its field, a Q&A pair, the month's analytics."""
    editor.click("nav.menu >> text=同义词")
    editor.wait_for_url("**/console/search/hefei/synonyms")
    editor.fill("#f-words", "医保、基本医疗保险")
    editor.click("form.form button:has-text('添加')")
    editor.wait_for_selector("text=已添加同义词")
    seen.check(editor, "search-synonyms")
    editor.goto(f"{live_server}/console/search/hefei/best-bets")
    editor.fill("#f-query", "医保")
    editor.fill("#f-title", "医保服务")
    editor.fill("#f-url", "javascript:alert(1)")
    editor.click("form.form button:has-text('添加')")
    editor.wait_for_selector("#e-url")
    seen.check(editor, "search-best-bets")
    editor.goto(f"{live_server}/console/search/hefei/qa")
    seen.check(editor, "search-qa")
    site = editor.context.new_page()
    for q in ("医保", "政务公开", "火星移民"):
        site.goto(live_server.site("hefei", f"/search/?q={q}"))
    editor.goto(f"{live_server}/console/search/hefei/analytics")
    for _ in range(20):  # the search service writes its query log every two seconds
        if "火星移民" in editor.inner_text("main"):
            break
        editor.wait_for_timeout(500)
        editor.reload()
    assert "火星移民" in editor.inner_text("main") and editor.locator("svg.chart[role=img] title").count() == 1
    seen.check(editor, "search-analytics")


def test_a_notice_written_and_passed_with_the_keyboard_alone(browser: Browser, live_server) -> None:
    title = "关于做好2027年春节期间森林防火工作的通知"
    editor = sign_in(browser, live_server, "hefei-editor")
    editor.goto(f"{live_server}/console/content/hefei/new")
    tab_until_field(editor, "f-title")
    editor.keyboard.type(title)
    editor.keyboard.press("Tab")  # the channel
    for _ in range(4):  # 概况信息 → 政务动态 → 要闻动态 → 通知公告 (the disabled ones are skipped)
        editor.keyboard.press("ArrowDown")
    tab_until_field(editor, None, ".ql-editor")
    editor.keyboard.type("各县（市）区人民政府：春节期间是森林火灾易发期，现就做好防火工作通知如下。")
    assert tab_until(editor, "保存并提交审核") < 80
    editor.keyboard.press("Enter")
    editor.wait_for_selector("text=已保存并提交审核")
    reviewer = sign_in(browser, live_server, "hefei-chushen")
    reviewer.goto(f"{live_server}/console/review/")
    assert tab_until(reviewer, title) < 40
    reviewer.keyboard.press("Enter")
    reviewer.wait_for_selector("text=发布前检查")
    assert tab_until(reviewer, "审核通过") < 60
    reviewer.keyboard.press("Enter")
    reviewer.wait_for_selector("text=已审核通过")


def tab_until_field(page: Page, field_id: str | None, selector: str | None = None) -> None:
    """Tabs from the top until the field (by id, or the first element matching `selector`) has focus."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    check = f"() => document.activeElement === document.querySelector('{selector or '#' + field_id}')"
    for _ in range(100):
        page.keyboard.press("Tab")
        if page.evaluate(check):
            return
    raise AssertionError(f"{selector or field_id} is not reached with Tab")


def test_a_rejection_reaches_the_author_and_a_granted_role_its_menu(browser: Browser, live_server) -> None:
    title = "关于开展2027年政务公开专项检查的通知"
    editor = sign_in(browser, live_server, "wuhu-editor")
    editor.goto(f"{live_server}/console/content/wuhu/new")
    editor.fill("#f-title", title)
    editor.select_option("#f-channel_id", label="　通知公告")
    editor.click(".ql-editor")
    editor.keyboard.type("各县区人民政府：现就开展政务公开专项检查通知如下。")
    editor.click("button:has-text('保存并提交审核')")
    editor.wait_for_selector("text=已保存并提交审核")
    reviewer = sign_in(browser, live_server, "wuhu-chushen")
    reviewer.click("text=我的审核队列")
    reviewer.click(f"text={title}")
    reviewer.fill("#f-comment", "请补充检查时间安排和联系人")
    reviewer.click("button:has-text('退回修改')")
    reviewer.wait_for_selector("text=已退回作者修改")
    editor.reload()
    alert = editor.locator("main .alert")
    assert "初审退回" in alert.inner_text() and "请补充检查时间安排和联系人" in alert.inner_text()
    assert "我的审核队列" not in editor.inner_text("nav")
    admin = sign_in(browser, live_server, "wuhu-admin")
    admin.click("text=人员与角色")
    admin.fill("#f-username", "wuhu-editor")
    admin.select_option("#f-role", "reviewer:审核")
    admin.click("button:has-text('授予')")
    admin.wait_for_selector("text=已授予")
    editor.click("header button:has-text('退出')")
    editor.wait_for_selector("text=您已安全退出")
    again = sign_in(browser, live_server, "wuhu-editor")
    assert "我的审核队列" in again.inner_text("nav")  # the new role, at the next sign-in
