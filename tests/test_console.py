"""The staff console end to end, in-process: people sign in through the provider's real login page, and
everything they do goes through the APIs with their own tokens — 三审 by three people to a published page, a
rejection the author sees in place, sites of others out of reach, forms without their token refused, and the
session ending when the person signs out here or at the provider, or leaves it idle."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio
from PIL import Image

from services import identity
from services.console.tests.browsing import Person, browser, hidden_fields, text_of
from tests.test_consolidated import API, bearer, open_hefei

BASE = "http://127.0.0.1:8765"
PASSWORD = "Zhengwu@2026x"
PEOPLE = {
    "hf-editor": ("合肥编辑王芳", "hefei", "editor"),
    "hf-chushen": ("合肥初审刘洋", "hefei", "reviewer:初审"),
    "hf-shenhe": ("合肥审核陈静", "hefei", "reviewer:审核"),
    "hf-shenfa": ("合肥审发赵磊", "hefei", "reviewer:审发"),
    "ah-editor": ("省政府编辑孙丽", "ah", "editor"),
    "auditor1": ("审计管理员周敏", "*", "auditor"),
    "hf-admin": ("合肥网站管理员吴刚", "hefei", "site_admin"),
    "op1": ("平台运维人员钱峰", "*", "platform_operator"),
    "sec1": ("安全管理员郑洁", "*", "security_admin"),
    "ah-admin": ("省政府网站管理员何平", "ah", "site_admin"),
}
NOTICE = "关于做好2027年元旦春节期间安全生产工作的通知"
BODY = "<p>各县（市）区人民政府，市政府各部门：</p><p>为切实做好元旦春节期间安全生产工作，现将有关事项通知如下。</p>"


@pytest_asyncio.fixture
async def province(http, platform) -> dict:
    await open_hefei(http, platform)
    seeds = [identity.StaffSeed(u, name, site, role) for u, (name, site, role) in PEOPLE.items()]
    await identity.provision_staff(platform.identity.deps, seeds, PASSWORD, actor="test")
    channels = (await http.get(f"{API}/sites/hefei/channels")).json()
    return {"channel": next(c["id"] for c in channels if c["kind"] == "list")}


@pytest_asyncio.fixture
async def people(platform) -> AsyncIterator[dict[str, Person]]:
    clients = {username: browser(platform, BASE) for username in PEOPLE}
    signed = {}
    for username, client in clients.items():
        signed[username] = Person(client)
    yield signed
    for client in clients.values():
        await client.aclose()


async def write(editor: Person, channel: int, *, submit: bool) -> str:
    form = await editor.get("/console/content/hefei/new")
    fields = {"title": NOTICE, "channel_id": str(channel), "body_html": BODY, "document_number": "合政办〔2026〕30号"}
    done = await editor.submit(form, "/console/content/hefei/new", fields | {"action": "submit" if submit else "save"})
    assert done.status_code == 200 and NOTICE in done.text, text_of(done.text)[:400]
    return done.url.path


async def test_a_notice_goes_through_three_reviewers_to_its_page(province, people, http) -> None:
    editor = people["hf-editor"]
    home = await editor.sign_in("hf-editor", PASSWORD)
    assert home.url.path == "/console/" and "合肥编辑王芳" in home.text and "写稿件" in home.text
    assert "我的审核队列" not in home.text  # an editor is shown no review menu
    document = await write(editor, province["channel"], submit=True)
    for username in ("hf-chushen", "hf-shenhe", "hf-shenfa"):
        reviewer = people[username]
        await reviewer.sign_in(username, PASSWORD)
        queue = await reviewer.get("/console/review/")
        assert NOTICE in queue.text, text_of(queue.text)
        decide = await reviewer.get(f"/console/review/hefei/{document.rsplit('/', 1)[-1]}")
        assert "未发现敏感词" in decide.text
        done = await reviewer.submit(decide, decide.url.path, {"action": "approve", "comment": ""})
        assert "已审核通过" in done.text and NOTICE not in done.text  # gone from this person's queue
    page = await editor.get(document)
    assert "已上线" in page.text and "合肥审发赵磊" in page.text and "索引号" in page.text
    live = await http.get("/", headers={"host": "www.hefei.gov.cn"})
    assert NOTICE in live.text


async def test_a_rejection_reaches_the_author_in_place(province, people) -> None:
    editor, reviewer = people["hf-editor"], people["hf-chushen"]
    await editor.sign_in("hf-editor", PASSWORD)
    document = await write(editor, province["channel"], submit=True)
    await reviewer.sign_in("hf-chushen", PASSWORD)
    decide = await reviewer.get(f"/console/review/hefei/{document.rsplit('/', 1)[-1]}")
    silent = await reviewer.submit(decide, decide.url.path, {"action": "reject", "comment": ""})
    assert silent.status_code == 422 and 'aria-invalid="true"' in silent.text  # a rejection must say why
    why = "请补充春节期间值班安排和联系电话"
    sent_back = await reviewer.submit(decide, decide.url.path, {"action": "reject", "comment": why})
    assert "已退回作者修改" in sent_back.text
    seen = await editor.get(document)
    assert "初审退回" in seen.text and why in seen.text and "草稿" in seen.text


async def test_nobody_reaches_another_sites_documents(province, people, http, platform) -> None:
    other = bearer(platform, "ah-writer", ("ah", "editor"))
    created = await http.post(
        f"{API}/sites/ah/documents",
        json={"channel_id": await _channel_of(http, "ah"), "title": "省政府内部草稿", "body_html": "<p>草稿</p>"},
        headers=other,
    )
    assert created.status_code == 201
    doc_id = created.json()["id"]
    editor = people["hf-editor"]
    await editor.sign_in("hf-editor", PASSWORD)
    sites = await editor.get("/console/content/")
    assert "安徽省人民政府" not in text_of(sites.text).replace("政府网站集约化平台", "")
    for path in ("/console/content/ah/", f"/console/content/ah/{doc_id}", f"/console/review/ah/{doc_id}"):
        refused = await editor.get(path)
        assert refused.status_code == 403 and "省政府内部草稿" not in refused.text, path
    edit = await editor.get("/console/content/hefei/new")
    forged = await editor.submit(
        edit, f"/console/content/ah/{doc_id}/edit", {"title": "改掉", "channel_id": "1", "body_html": "<p>x</p>"}
    )
    assert forged.status_code == 403
    after = await http.get(f"{API}/sites/ah/documents/{doc_id}", headers=other)
    assert after.json()["title"] == "省政府内部草稿"


async def test_forms_without_the_session_token_change_nothing(province, people, http, platform) -> None:
    editor = people["hf-editor"]
    await editor.sign_in("hf-editor", PASSWORD)
    fields = {"title": NOTICE, "channel_id": str(province["channel"]), "body_html": BODY, "action": "save"}
    forged = await editor.post_raw("/console/content/hefei/new", fields | {"csrf": "guessed"})
    assert forged.status_code == 403 and "表单已失效" in forged.text
    other_origin = await editor.http.post(
        "/console/content/hefei/new", data=fields, headers={"origin": "https://evil.example"}
    )
    assert other_origin.status_code == 403
    staff = bearer(platform, "reader", ("hefei", "editor"))
    listed = await http.get(f"{API}/sites/hefei/documents", params={"q": "元旦春节"}, headers=staff)
    assert listed.json()["total"] == 0


async def test_bad_input_comes_back_with_what_was_typed(province, people, http, platform) -> None:
    editor = people["hf-editor"]
    await editor.sign_in("hf-editor", PASSWORD)
    form = await editor.get("/console/content/hefei/new")
    too_long = "安全生产" * 60
    fields = {"title": too_long, "channel_id": str(province["channel"]), "body_html": BODY, "action": "save"}
    refused = await editor.submit(form, "/console/content/hefei/new", fields)
    assert refused.status_code == 422
    assert "不能超过 200 个字符" in refused.text and too_long in refused.text and "各县（市）区人民政府" in refused.text
    staff = bearer(platform, "reader", ("hefei", "editor"))
    assert (await http.get(f"{API}/sites/hefei/documents", headers=staff)).json()["total"] == 0


async def test_signing_out_ends_the_session_here_and_at_the_provider(province, people) -> None:
    editor = people["hf-editor"]
    home = await editor.sign_in("hf-editor", PASSWORD)
    out = await editor.submit(home, "/console/logout", {})
    assert out.url.path == "/console/signed-out" and "您已安全退出" in out.text
    again = await editor.get("/console/")
    assert "用户登录" in again.text  # the provider's session ended too: the password is asked again


async def test_a_logout_at_the_provider_ends_the_console_session(province, people) -> None:
    editor = people["hf-editor"]
    await editor.sign_in("hf-editor", PASSWORD)
    await editor.get("/api/v1/identity/logout")  # signed out elsewhere: the provider tells the console
    again = await editor.get("/console/")
    assert "用户登录" in again.text


async def test_an_idle_session_ends_and_a_busy_one_gets_fresh_tokens(province, people, platform) -> None:
    editor = people["hf-editor"]
    await editor.sign_in("hf-editor", PASSWORD)
    deps = platform.console.deps
    real_now = deps.now
    try:
        deps.now = lambda: real_now() + timedelta(minutes=9, seconds=30)  # the 10-minute access token nearly done
        busy = await editor.get("/console/content/hefei/", follow_redirects=False)
        assert busy.status_code == 200 and "稿件" in busy.text  # refreshed in passing, no sign-in
        deps.now = lambda: real_now() + timedelta(minutes=45)  # 35 minutes after that, unused
        idle = await editor.get("/console/content/hefei/")
        assert "用户登录" in idle.text  # the password again, though the provider's own login still lasts
        back = await editor.sign_in_here(idle, "hf-editor", PASSWORD)
        assert back.url.path == "/console/content/hefei/", text_of(back.text)[:600]
    finally:
        deps.now = real_now


async def test_the_console_lives_on_the_platforms_own_host(platform) -> None:
    async with browser(platform, "http://hefei.localhost:8765") as visitor:
        answer = await visitor.get("/console/", follow_redirects=False)
    assert answer.status_code == 308 and answer.headers["location"] == f"{BASE}/console/"


@pytest.mark.parametrize("path", ["/console/", "/console/content/hefei/", "/console/review/"])
async def test_pages_ask_to_sign_in_and_send_strict_headers(platform, path) -> None:
    async with browser(platform, BASE) as visitor:
        answer = await visitor.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/console/login?next=")
        login = await visitor.get(answer.headers["location"], follow_redirects=False)
    assert login.status_code == 303 and "code_challenge_method=S256" in login.headers["location"]
    cookie = login.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/console" in cookie


async def _channel_of(http, site_id: str) -> int:
    channels = (await http.get(f"{API}/sites/{site_id}/channels")).json()
    return next(c["id"] for c in channels if c["kind"] == "list")


async def test_revisions_show_what_changed_between_them(province, people) -> None:
    editor = people["hf-editor"]
    await editor.sign_in("hf-editor", PASSWORD)
    document = await write(editor, province["channel"], submit=False)
    form = await editor.get(f"{document}/edit")
    changed = BODY.replace("现将有关事项通知如下", "现就有关事项通知如下")
    fields = {"title": NOTICE, "channel_id": str(province["channel"]), "body_html": changed, "action": "save"}
    saved = await editor.submit(form, f"{document}/edit", fields | {"document_number": "合政办〔2026〕30号"})
    assert "修改已保存" in saved.text
    revisions = await editor.get(f"{document}/revisions")
    assert revisions.status_code == 200 and "第 2 版" in revisions.text
    assert "<del>将</del><ins>就</ins>" in revisions.text  # character by character: Chinese has no spaces


async def test_the_auditor_searches_and_exports_both_logs(province, people) -> None:
    editor, auditor = people["hf-editor"], people["auditor1"]
    await editor.sign_in("hf-editor", PASSWORD)
    await write(editor, province["channel"], submit=True)
    home = await auditor.sign_in("auditor1", PASSWORD)
    assert "审计日志" in home.text and "稿件列表" not in home.text
    content = await auditor.get("/console/audit/", params={"source": "content", "site_id": "hefei", "since": ""})
    assert content.status_code == 200 and "document.submitted" in content.text
    accounts = await auditor.get("/console/audit/", params={"source": "identity", "action": "role.granted"})
    assert "role.granted" in accounts.text and "document.submitted" not in accounts.text
    exported = await auditor.get("/console/audit/export.csv", params={"source": "content", "site_id": "hefei"})
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.text.startswith("\ufeff时间（北京时间）,人员,操作") and "document.submitted" in exported.text
    bad_day = await auditor.get("/console/audit/", params={"since": "2026-02-30"})
    assert bad_day.status_code == 400 and "2026-02-30 不存在" in bad_day.text
    refused = await editor.get("/console/audit/")
    assert refused.status_code == 403 and "document.submitted" not in refused.text


async def test_a_site_admin_grants_a_role_and_the_grantee_gets_its_menu(province, people, platform) -> None:
    admin, editor = people["hf-admin"], people["hf-editor"]
    before = await editor.sign_in("hf-editor", PASSWORD)
    assert "我的审核队列" not in before.text
    await admin.sign_in("hf-admin", PASSWORD)
    page = await admin.get("/console/site/")
    assert (
        page.url.path == "/console/site/hefei/people"
        and "合肥编辑王芳" in page.text
        and "省政府编辑孙丽" not in page.text
    )
    unknown = await admin.submit(page, "/console/site/hefei/grant", {"username": "nobody", "role": "editor"})
    assert unknown.status_code == 422 and "没有用户名为 nobody 的工作人员账号" in unknown.text
    granted = await admin.submit(page, "/console/site/hefei/grant", {"username": "hf-editor", "role": "reviewer:初审"})
    assert "已授予合肥编辑王芳初审（审核）角色" in granted.text
    promoted = await admin.submit(page, "/console/site/hefei/grant", {"username": "hf-editor", "role": "site_admin"})
    assert promoted.status_code == 403  # only the security admin makes site admins
    out = await editor.submit(before, "/console/logout", {})
    assert "您已安全退出" in out.text
    after = await editor.sign_in("hf-editor", PASSWORD)
    assert "我的审核队列" in after.text
    assert (await admin.get("/console/site/ah/people")).status_code == 403


async def test_a_preview_link_shows_the_draft_on_its_site_until_it_expires(province, people, http) -> None:
    editor = people["hf-editor"]
    await editor.sign_in("hf-editor", PASSWORD)
    document = await write(editor, province["channel"], submit=False)
    page = await editor.get(document)
    made = await editor.submit(page, f"{document}/preview", {"hours": "24"})
    assert made.status_code == 200 and "预览链接" in made.text
    link = re.search(r'id="f-link" type="text" value="([^"]+)"', made.text).group(1)
    assert link.startswith("http://hefei.localhost:8765/preview/")
    shown = await http.get(link.removeprefix("http://hefei.localhost:8765"), headers={"host": "hefei.localhost:8765"})
    assert shown.status_code == 200 and NOTICE in shown.text and "本页尚未发布" in shown.text
    assert "各县（市）区人民政府" in shown.text and "合政办〔2026〕30号" in shown.text
    assert shown.headers["cache-control"] == "private, no-store" and shown.headers["x-robots-tag"].startswith("noindex")
    unknown = await http.get("/preview/not-a-token", headers={"host": "hefei.localhost:8765"})
    assert unknown.status_code == 404
    elsewhere = await http.get(link.removeprefix("http://hefei.localhost:8765"), headers={"host": "ah.localhost:8765"})
    assert elsewhere.status_code == 404  # a link is good on its own site only


async def test_a_site_admin_publishes_in_an_emergency_with_a_reason(province, people) -> None:
    editor, admin = people["hf-editor"], people["hf-admin"]
    await editor.sign_in("hf-editor", PASSWORD)
    document = await write(editor, province["channel"], submit=True)
    assert "紧急发布" not in (await editor.get(document)).text  # an editor is not offered it
    await admin.sign_in("hf-admin", PASSWORD)
    page = await admin.get(document)
    reason = "寒潮预警须立即发布"
    done = await admin.submit(page, f"{document}/emergency-publish", {"reason": reason})
    assert "已紧急发布" in done.text and "已上线" in done.text and reason in done.text


async def test_the_operator_sees_every_sites_figures_and_its_freshness(province, people) -> None:
    editor, operator = people["hf-editor"], people["op1"]
    await editor.sign_in("hf-editor", PASSWORD)
    await write(editor, province["channel"], submit=True)
    home = await operator.sign_in("op1", PASSWORD)
    assert "网站群概览" in home.text
    page = await operator.get("/console/operator/")
    assert page.status_code == 200 and "<svg" in page.text
    rows = text_of(page.text)
    assert "合肥市人民政府 hefei 市级 运行 1 0 0 1" in rows  # one document, in review
    assert "空白或半年未更新的栏目" in rows
    assert "安徽省人民政府（从未发布）" in rows  # online and never published: flagged
    assert (await editor.get("/console/operator/")).status_code == 403


async def test_the_security_admin_keeps_accounts_and_roles(province, people) -> None:
    security = people["sec1"]
    home = await security.sign_in("sec1", PASSWORD)
    assert "账号与角色" in home.text and "稿件列表" not in home.text
    page = await security.get("/console/security/")
    weak = {"username": "hf-newadmin", "name": "合肥新管理员冯雪", "password": "123"}
    refused = await security.submit(page, "/console/security/accounts", weak)
    assert refused.status_code == 422 and "合肥新管理员冯雪" in refused.text  # what was typed stays
    created = await security.submit(page, "/console/security/accounts", weak | {"password": "Hefei@2026-new"})
    assert "账号已创建" in created.text and "没有角色" in created.text
    granted = await security.submit(created, "/console/security/grant", {"site": "hefei", "role": "site_admin"})
    assert "角色已授予" in granted.text and "site_admin" in granted.text
    reset = await security.submit(granted, "/console/security/reset-totp", {})
    assert "动态口令已重置" in reset.text
    revoked = await security.submit(granted, "/console/security/revoke", {"site": "hefei", "role": "site_admin"})
    assert "角色已撤销" in revoked.text and "没有角色" in revoked.text
    editor = people["hf-editor"]
    await editor.sign_in("hf-editor", PASSWORD)
    assert (await editor.get("/console/security/", params={"username": "hf-newadmin"})).status_code == 403


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 360), (164, 0, 15)).save(out, format="PNG")
    return out.getvalue()


async def test_files_and_a_cover_go_with_the_form_and_bad_ones_are_named(province, people) -> None:
    editor = people["hf-editor"]
    await editor.sign_in("hf-editor", PASSWORD)
    form = await editor.get("/console/content/hefei/new")
    fields = {"title": NOTICE, "channel_id": str(province["channel"]), "body_html": BODY, "action": "save"}
    fields |= hidden_fields(form.text)
    table = "序号,单位,值班电话\n1,市应急管理局,0551-12345678\n".encode()
    sent = await editor.http.post(
        "/console/content/hefei/new",
        data=fields,
        files=[("cover", ("春节安全.png", png(), "image/png")), ("files", ("值班表.csv", table, "text/csv"))],
    )
    assert sent.status_code == 200 and "草稿已保存" in sent.text
    edit = await editor.get(f"{sent.url.path}/edit")
    assert "封面：春节安全.png" in edit.text and "值班表.csv" in edit.text
    fake = await editor.http.post(
        f"{sent.url.path}/edit",
        data=hidden_fields(edit.text)
        | {**fields, "title": NOTICE + "（修改）"}
        | {"csrf": hidden_fields(edit.text)["csrf"]},
        files=[("files", ("通知.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf"))],
    )
    assert fake.status_code == 415 and "通知.pdf" in fake.text and NOTICE + "（修改）" in fake.text


async def live_document(http, platform, site_id: str, title: str) -> int:
    """A document published at once (a site admin's emergency publication), set up through the API."""
    writer = bearer(platform, f"{site_id}-writer", (site_id, "editor"))
    body = {"channel_id": await _channel_of(http, site_id), "title": title, "body_html": BODY}
    doc = (await http.post(f"{API}/sites/{site_id}/documents", json=body, headers=writer)).json()
    admin = bearer(platform, f"{site_id}-boss", (site_id, "site_admin"))
    done = await http.post(
        f"{API}/sites/{site_id}/documents/{doc['id']}/emergency-publish", json={"reason": "测试准备"}, headers=admin
    )
    assert done.status_code == 200, done.text
    return doc["id"]


async def test_an_interpretation_is_linked_to_its_policy_and_a_notice_pushed_down(
    province, people, http, platform
) -> None:
    policy = await live_document(http, platform, "hefei", "关于印发合肥市资源整合工作方案的通知")
    editor = people["hf-editor"]
    await editor.sign_in("hf-editor", PASSWORD)
    reading = await write(editor, province["channel"], submit=False)
    found = await editor.get(f"{reading}/links", params={"q": "资源整合工作方案"})
    assert "关于印发合肥市资源整合工作方案的通知" in found.text
    linked = await editor.submit(found, f"{reading}/links", {"policy_ids": str(policy)})
    assert "已关联 1 个政策文件" in linked.text and "关于印发合肥市资源整合工作方案的通知" in linked.text
    notice = await live_document(http, platform, "ah", "安徽省人民政府办公厅关于做好春运工作的通知")
    admin = people["ah-admin"]
    await admin.sign_in("ah-admin", PASSWORD)
    form = await admin.get(f"/console/content/ah/{notice}/push")
    assert "合肥市人民政府" in form.text
    pushed = await admin.submit(form, f"/console/content/ah/{notice}/push", {"target": f"hefei:{province['channel']}"})
    assert "已推送到 1 个栏目" in pushed.text
    listed = await http.get(f"{API}/public/sites/hefei/channels/{province['channel']}/documents")
    assert "安徽省人民政府办公厅关于做好春运工作的通知" in listed.text


async def test_saved_views_belong_to_their_person(province, people) -> None:
    editor, reviewer = people["hf-editor"], people["hf-chushen"]
    await editor.sign_in("hf-editor", PASSWORD)
    await write(editor, province["channel"], submit=False)
    listing = await editor.get("/console/content/hefei/", params={"workflow_state": "draft", "q": "元旦"})
    saved = await editor.submit(listing, "/console/content/hefei/views", {"name": "待提交的元旦通知"})
    assert "视图已保存" in saved.text and "待提交的元旦通知" in saved.text and NOTICE in saved.text
    view = re.search(r"/console/content/hefei/views/(\d+)/delete", saved.text).group(1)
    await reviewer.sign_in("hf-chushen", PASSWORD)
    theirs = await reviewer.get("/console/content/hefei/")
    assert "待提交的元旦通知" not in theirs.text
    await reviewer.submit(theirs, f"/console/content/hefei/views/{view}/delete", {})  # not theirs: nothing goes
    assert "待提交的元旦通知" in (await editor.get("/console/content/hefei/")).text
    page = await editor.get("/console/content/hefei/")
    gone = await editor.submit(page, f"/console/content/hefei/views/{view}/delete", {})
    assert "视图已删除" in gone.text and "待提交的元旦通知" not in gone.text


async def test_a_site_admin_previews_home_blocks_then_saves_them(province, people, http) -> None:
    admin = people["hf-admin"]
    await admin.sign_in("hf-admin", PASSWORD)
    page = await admin.get("/console/site/theme")
    assert page.url.path == "/console/site/hefei/theme"
    blocks = {"b0-kind": "links", "b0-order": "1", "b0-title": "友情链接", "b0-links": "中国政府网 https://www.gov.cn/"}
    low_contrast = {"primary_color": "#ffff00", **blocks, "action": "save"}
    refused = await admin.submit(page, page.url.path, low_contrast)
    assert refused.status_code == 422 and "WCAG AA" in refused.text and "中国政府网 https://www.gov.cn/" in refused.text
    tried = await admin.submit(page, page.url.path, {"primary_color": "#1d4f91", **blocks, "action": "preview"})
    link = re.search(r'href="(http://hefei\.localhost:8765/preview/[^"]+)"', tried.text).group(1)
    host = {"host": "hefei.localhost:8765"}
    shown = await http.get(link.removeprefix("http://hefei.localhost:8765"), headers=host)
    assert "友情链接" in shown.text and "本页尚未发布" in shown.text
    assert "友情链接" not in (await http.get("/", headers=host)).text  # tried, not saved
    saved = await admin.submit(page, page.url.path, {"primary_color": "#1d4f91", **blocks, "action": "save"})
    assert "外观与首页布局已保存" in saved.text and "中国政府网 https://www.gov.cn/" in saved.text
    assert "友情链接" in (await http.get("/", headers=host)).text


async def test_a_site_admin_keeps_old_addresses_working(province, people, http) -> None:
    admin = people["hf-admin"]
    await admin.sign_in("hf-admin", PASSWORD)
    page = await admin.get("/console/site/redirects")
    assert page.url.path == "/console/site/hefei/redirects"
    bad = "/art/2019/1.html /zwdt/tzgg/\n/art/2019/2.html javascript:alert(1)"
    refused = await admin.submit(page, page.url.path, {"lines": bad})
    assert refused.status_code == 422 and "第 2 行" in refused.text and "/art/2019/1.html" in refused.text
    written = await admin.submit(
        page, page.url.path, {"lines": "/art/2019/1.html /zwdt/tzgg/\n/col/col9/index.html 410"}
    )
    assert "已写入 2 条" in written.text and "410 已删除" in written.text
    host = {"host": "www.hefei.gov.cn"}
    moved = await http.get("/art/2019/1.html", headers=host, follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"].endswith("/zwdt/tzgg/")
    assert (await http.get("/col/col9/index.html", headers=host)).status_code == 410
    removed = await admin.submit(written, f"{page.url.path}/delete", {"old_path": "/col/col9/index.html"})
    assert "已删除 /col/col9/index.html" in removed.text


async def test_the_operator_closes_a_site_with_a_reason_and_its_visitors_go_on(
    province, people, http, platform
) -> None:
    operator = people["op1"]
    await operator.sign_in("op1", PASSWORD)
    page = await operator.get("/console/operator/changes")
    merge = {"site_id": "hefei", "kind": "merge", "reason": "按照集约化要求整合"}
    refused = await operator.submit(page, "/console/operator/changes", merge)
    assert (
        refused.status_code == 422
        and "整合（merge）须指明并入的站点" in refused.text
        and "按照集约化要求整合" in refused.text
    )
    close = {"site_id": "hefei", "kind": "close", "reason": "按照集约化要求关停，访问者转至省政府门户网站"}
    done = await operator.submit(page, "/console/operator/changes", close)
    assert "已执行" in done.text and "关停" in done.text
    await platform.settle()  # the renderer hears of it on the bus
    away = await http.get("/zwdt/tzgg/", headers={"host": "www.hefei.gov.cn"}, follow_redirects=False)
    assert away.status_code == 301 and "www.ah.gov.cn" in away.headers["location"]


async def test_a_site_admin_adds_renames_and_deletes_channels(province, people) -> None:
    admin = people["hf-admin"]
    await admin.sign_in("hf-admin", PASSWORD)
    page = await admin.get("/console/site/channels")
    assert page.url.path == "/console/site/hefei/channels" and "基本栏目" in page.text
    bad = await admin.submit(page, page.url.path, {"name": "春运专题", "slug": "Chun Yun", "kind": "topic"})
    assert bad.status_code == 422 and "春运专题" in bad.text
    added = await admin.submit(page, page.url.path, {"name": "春运专题", "slug": "cyzt", "kind": "topic"})
    assert "已添加栏目“春运专题”" in added.text and "/cyzt/" in added.text
    renaming = (
        r'/channels/(\d+)/rename" class="inline">\s*<input[^>]*>\s*<input type="text" name="name" value="春运专题"'
    )
    channel = re.search(renaming, added.text)
    renamed = await admin.submit(
        added, f"/console/site/hefei/channels/{channel.group(1)}/rename", {"name": "2027年春运专题"}
    )
    assert "已改名为“2027年春运专题”" in renamed.text
    gone = await admin.submit(renamed, f"/console/site/hefei/channels/{channel.group(1)}/delete", {})
    assert "栏目已删除" in gone.text and "2027年春运专题" not in gone.text.replace("已改名", "")


async def test_the_operator_extends_the_basic_channel_template(province, people) -> None:
    operator = people["op1"]
    await operator.sign_in("op1", PASSWORD)
    page = await operator.get("/console/operator/template")
    assert "政府信息公开" in page.text
    item = {"key": "zwdt.cyzt", "parent_key": "zwdt", "slug": "cyzt", "name": "春运专题", "kind": "topic"}
    added = await operator.submit(page, "/console/operator/template", item)
    assert "已添加“春运专题”" in added.text
    again = await operator.submit(added, "/console/operator/template", item)
    assert again.status_code == 422 and "key 不能重复" in again.text and "春运专题" in again.text
    removed = await operator.submit(added, "/console/operator/template/remove", {"key": "zwdt.cyzt"})
    assert "已从模板中移除" in removed.text and "春运专题" not in removed.text


async def test_an_image_in_the_text_is_a_file_of_the_document_and_public_once_it_is(
    province, people, http, platform
) -> None:
    editor, admin = people["hf-editor"], people["hf-admin"]
    await editor.sign_in("hf-editor", PASSWORD)
    form = await editor.get("/console/content/hefei/new")
    csrf = hidden_fields(form.text)["csrf"]
    picture = [("files", ("值班现场.png", png(), "image/png"))]
    forged = await editor.http.post("/console/content/hefei/images", files=picture, headers={"x-csrf-token": "x"})
    assert forged.status_code == 403
    sent = await editor.http.post("/console/content/hefei/images", files=picture, headers={"x-csrf-token": csrf})
    assert sent.status_code == 201, sent.text
    image = sent.json()
    assert (await editor.get(image["src"])).headers["content-type"].startswith("image/")
    body = f'<p>春节期间值班现场：</p><p><img src="{image["src"]}" alt="值班现场"></p>'
    fields = {"title": NOTICE, "channel_id": str(province["channel"]), "body_html": body, "action": "save"}
    saved = await editor.submit(form, "/console/content/hefei/new", fields | {"attachment_ids": str(image["id"])})
    assert "草稿已保存" in saved.text and image["src"] in saved.text  # staff see it before publication
    doc_id = int(saved.url.path.rsplit("/", 1)[-1])
    stored = (
        await http.get(f"{API}/sites/hefei/documents/{doc_id}", headers=bearer(platform, "r", ("hefei", "editor")))
    ).json()
    public = re.search(r'src="(/files/[^"]+)"', stored["body_html"]).group(1)
    host = {"host": "www.hefei.gov.cn"}
    assert (await http.get(public, headers=host)).status_code == 404  # not public while a draft
    await admin.sign_in("hf-admin", PASSWORD)
    await admin.submit(await admin.get(saved.url.path), f"{saved.url.path}/emergency-publish", {"reason": "测试图片"})
    await platform.settle()
    assert (await http.get(public, headers=host)).headers["content-type"].startswith("image/")
    live = (
        await http.get(f"{API}/sites/hefei/documents/{doc_id}", headers=bearer(platform, "r", ("hefei", "editor")))
    ).json()
    article = await http.get(live["url_path"], headers=host)
    assert public in article.text and "值班现场.png" not in article.text  # shown in the text, not listed again


async def test_validity_is_marked_and_a_document_of_another_site_reposted(province, people, http, platform) -> None:
    policy = await live_document(http, platform, "hefei", "合肥市政府网站管理办法")
    successor = await live_document(http, platform, "hefei", "合肥市政府网站管理办法（2027年修订）")
    admin = people["hf-admin"]
    await admin.sign_in("hf-admin", PASSWORD)
    page = await admin.get(f"/console/content/hefei/{policy}")
    mark = {"validity": "废止", "note": "已被2027年修订版替代", "replaced_by": str(successor)}
    marked = await admin.submit(page, f"/console/content/hefei/{policy}/validity", mark)
    assert "已标记为废止" in marked.text and "已被2027年修订版替代" in marked.text
    await platform.settle()
    live = (await http.get(f"{API}/public/sites/hefei/documents/{policy}")).json()
    assert live["document"]["disclosure"]["validity"] == "废止"
    notice = await live_document(http, platform, "ah", "安徽省人民政府办公厅关于做好春运工作的通知")
    editor = people["hf-editor"]
    await editor.sign_in("hf-editor", PASSWORD)
    found = await editor.get("/console/content/library")
    assert found.url.path == "/console/content/hefei/library"
    found = await editor.get("/console/content/hefei/library", params={"q": "春运"})
    assert "安徽省人民政府办公厅关于做好春运工作的通知" in found.text
    fields = {"document_id": str(notice), "channel_id": str(province["channel"])}
    reposted = await editor.submit(found, "/console/content/hefei/library", fields)
    assert "已转载到本站栏目" in reposted.text
    await platform.settle()
    listed = await http.get(f"{API}/public/sites/hefei/channels/{province['channel']}/documents")
    assert "安徽省人民政府办公厅关于做好春运工作的通知" in listed.text
