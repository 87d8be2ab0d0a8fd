"""The console's 网站迁移 desk end to end, in-process: 合肥's site admin plans a job through the form (a legacy
site on loopback), follows it to the end, sees its log, maps an undecided legacy URL with one click and a batch as
CSV; a refused plan is named beside its field; an editor and another site's admin get nothing of it. Then the
job's 正文规则: the pages it read suggested as samples, a body selector previewed beside the saved rules (the
difference marked), a selector that is not CSS named beside its field, the rules saved (the log says who)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
import pytest_asyncio

from services import identity
from services.console.tests.browsing import Person, browser, text_of
from services.transition.tests.legacy_site import article_path, article_title, legacy_site
from shared.testing import serve_on_port
from tests.test_consolidated import bearer, open_hefei

BASE = "http://127.0.0.1:8765"
PASSWORD = "Zhengwu@2026x"
PEOPLE = {"hf-admin": ("合肥管理员赵敏", "hefei", "site_admin"), "hf-editor": ("合肥编辑王芳", "hefei", "editor")}
OLD = {"host": "old.hefei.gov.cn"}
SECOND_PARAGRAPH = ".TRS_Editor p:nth-of-type(2)"
RULES = "/console/migration/hefei/jobs/1/rules"


@pytest_asyncio.fixture
async def province(http, platform) -> dict:
    channels = await open_hefei(http, platform)
    seeds = [identity.StaffSeed(u, name, site, role) for u, (name, site, role) in PEOPLE.items()]
    await identity.provision_staff(platform.identity.deps, seeds, PASSWORD, actor="test")
    await platform.settle()
    return channels


@pytest_asyncio.fixture
async def people(platform) -> AsyncIterator[dict[str, Person]]:
    clients = {username: browser(platform, BASE) for username in PEOPLE}
    yield {username: Person(client) for username, client in clients.items()}
    for client in clients.values():
        await client.aclose()


@pytest.fixture
def old_server():
    app, _ = legacy_site(25)
    with serve_on_port(app) as base:
        yield urlsplit(base).netloc


async def test_a_site_admin_migrates_a_legacy_site_through_the_console(province, people, http, platform, old_server):
    admin = people["hf-admin"]
    desk = await admin.sign_in("hf-admin", PASSWORD, start="/console/migration/jobs")
    assert desk.url.path == "/console/migration/hefei/jobs" and "本站点还没有迁移任务" in desk.text
    plan = {"source": "http://old.hefei.gov.cn/", "legacy_domains": "", "mapping": "通知公告=zwdt/tzgg",
            "per_second": "500", "resolve": f"old.hefei.gov.cn={old_server}", "publish": "publish"}  # fmt: skip
    started = await admin.submit(desk, desk.url.path, plan)
    assert started.url.path == "/console/migration/hefei/jobs/1" and "迁移任务已开始" in started.text
    async with asyncio.timeout(60):
        while "已完成" not in (page := await admin.get(started.url.path)).text:
            await platform.settle()
    assert "已导入</dt><dd>25" in page.text and "<td>完成</td>" in page.text and "通知公告" in page.text
    assert "<td>迁移服务</td>" in page.text and "合肥管理员赵敏" in page.text  # who did what, by name
    assert 'id="progress"' in page.text and "progress.js" not in page.text  # nothing left to refresh

    gone = await admin.get("/console/migration/hefei/urlmap?state=gone")
    assert "//old.hefei.gov.cn/xwzx/" in text_of(gone.text)  # a breadcrumb's directory the old site answered 404
    mapped = await admin.submit(
        gone, "/console/migration/hefei/urlmap",
        {"legacy_key": "//old.hefei.gov.cn/xwzx/", "target": "/zwdt/", "state": "gone", "action": "moved"},
    )  # fmt: skip
    assert "已保存" in mapped.text and "//old.hefei.gov.cn/xwzx/" not in text_of(mapped.text)  # no longer gone
    empty = await admin.submit(
        gone, "/console/migration/hefei/urlmap",
        {"legacy_key": "//old.hefei.gov.cn/zt/", "target": "", "state": "gone", "action": "moved"},
    )  # fmt: skip
    assert "请填写新地址" in empty.text
    await platform.settle()
    assert (await http.get("/xwzx/", headers=OLD)).headers["location"] == "http://www.hefei.gov.cn/zwdt/"
    csv = await admin.get("/console/migration/hefei/urlmap.csv")
    assert csv.headers["content-type"].startswith("text/csv") and "//old.hefei.gov.cn/xwzx/,301,/zwdt/" in csv.text


async def test_a_refused_plan_is_named_and_others_get_nothing(province, people) -> None:
    admin = people["hf-admin"]
    desk = await admin.sign_in("hf-admin", PASSWORD, start="/console/migration/hefei/jobs")
    plan = {"source": "http://old.hefei.gov.cn/", "mapping": "通知公告=nowhere", "per_second": "0", "resolve": ""}
    refused = await admin.submit(desk, desk.url.path, plan)
    assert refused.status_code == 422 and "第 1 行应为" in refused.text and "0 到 10000" in refused.text
    editor = people["hf-editor"]
    await editor.sign_in("hf-editor", PASSWORD)
    for path in (
        "/console/migration/hefei/jobs",
        "/console/migration/hefei/urlmap",
        "/console/migration/hefei/urlmap.csv",
    ):
        assert (await editor.get(path)).status_code == 403, path


async def test_a_pushed_job_tells_the_admin_how_to_push_it(province, people, platform) -> None:
    """A job whose pages come from the operator's disk has nothing for the platform to read: its page says how
    to push them instead of offering a start the runner would not act on."""
    admin = people["hf-admin"]
    desk = await admin.sign_in("hf-admin", PASSWORD, start="/console/migration/hefei/jobs")
    plan = {"source": "upload:合肥旧站镜像", "legacy_domains": "old.hefei.gov.cn", "mapping": "", "per_second": "4",
            "resolve": "", "publish": "publish"}  # fmt: skip
    started = await admin.submit(desk, desk.url.path, plan)
    assert started.url.path == "/console/migration/hefei/jobs/1", started.text[:300]
    await platform.settle()
    page = await admin.get(started.url.path)
    assert "正在等待推送" in page.text
    command = "sitegroup import-site 镜像目录或导出文件 --site hefei --legacy-domain old.hefei.gov.cn"
    assert command in text_of(page.text)
    cancelled = await admin.submit(page, "/console/migration/hefei/jobs/1/cancel", {})
    assert "已取消" in (await admin.get(started.url.path)).text, cancelled.text[:300]
    again = await admin.get(started.url.path)
    assert "/jobs/1/start" not in again.text and "即可继续" in text_of(again.text)


async def read_job(admin: Person, platform, old_server: str) -> None:  # noqa: ANN001
    desk = await admin.sign_in("hf-admin", PASSWORD, start="/console/migration/hefei/jobs")
    plan = {"source": "http://old.hefei.gov.cn/", "legacy_domains": "", "mapping": "通知公告=zwdt/tzgg",
            "per_second": "500", "resolve": f"old.hefei.gov.cn={old_server}", "publish": "publish"}  # fmt: skip
    started = await admin.submit(desk, desk.url.path, plan)
    assert started.url.path == "/console/migration/hefei/jobs/1", started.text[:300]
    async with asyncio.timeout(60):
        while "已完成" not in (await admin.get(started.url.path)).text:
            await platform.settle()


def box(page: str, sample: int, column: int) -> str:
    """The text of a sample's main-text box (column 1: the new rules, 2: the saved ones)."""
    found = re.search(rf'id="body-{sample}-{column}">(.*?)</div>\s*</div>', page, re.S)
    assert found, page[-2000:]
    return found[1]


async def test_a_site_admin_previews_and_saves_the_rules_of_a_job(province, people, http, platform, old_server):
    admin = people["hf-admin"]
    await read_job(admin, platform, old_server)
    job = await admin.get("/console/migration/hefei/jobs/1")
    assert "未设置：按网页标记" in job.text and f'href="{RULES}"' in job.text
    rules = await admin.get(RULES)
    assert rules.status_code == 200 and "<h1>合肥市人民政府 · 迁移任务 #1 · 正文规则</h1>" in rules.text
    suggested = re.search(r'<textarea id="f-urls" name="urls"[^>]*>(.*?)</textarea>', rules.text, re.S)[1]
    assert "http://old.hefei.gov.cn/xwzx/tzgg/2024" in suggested  # the documents the run read
    assert 'for="f-body"' in rules.text and 'for="f-urls"' in rules.text

    sample = f"http://old.hefei.gov.cn{article_path(3)}"
    fields = {"title": "", "body": SECOND_PARAGRAPH, "date": "", "source": "", "remove": "", "urls": sample}
    shown = await admin.submit(rules, RULES, fields | {"action": "preview"})
    assert shown.status_code == 200 and "预览结果" in shown.text, text_of(shown.text)[-800:]
    assert f"样例 1：{sample}" in shown.text and "<td>正文规则</td>" in shown.text
    assert "<td>网站系统的正文容器 .TRS_Editor</td>" in shown.text and "（有变化）" in shown.text
    new, saved = box(shown.text, 1, 1), box(shown.text, 1, 2)
    assert article_title(3) in new and "各乡镇人民政府" not in new and "各乡镇人民政府" in saved
    assert 'value=".TRS_Editor p:nth-of-type(2)"' in shown.text  # the form keeps what was typed
    api = "/api/v1/transition/sites/hefei/jobs/1"
    operator = bearer(platform, "operator", ("*", "platform_operator"))
    assert (await http.get(api, headers=operator)).json()["rules"] == {"remove": []}  # a preview keeps nothing

    bad = await admin.submit(rules, RULES, fields | {"body": "div[[zoom", "action": "preview"})
    assert bad.status_code == 422 and "不是有效的 CSS 选择器" in bad.text and "预览结果" not in bad.text
    assert re.search(r'id="f-body"[^>]*aria-invalid="true"', bad.text)
    foreign = await admin.submit(rules, RULES, fields | {"urls": "http://www.example.com/a.html", "action": "preview"})
    assert foreign.status_code == 422 and re.search(r'id="f-urls"[^>]*aria-invalid="true"', foreign.text)

    saved_page = await admin.submit(rules, RULES, fields | {"remove": ".share\n.print", "action": "save"})
    assert saved_page.url.path == RULES and "正文规则已保存" in saved_page.text
    assert f'value="{SECOND_PARAGRAPH}"' in saved_page.text and ".share\n.print</textarea>" in saved_page.text
    kept = (await http.get(api, headers=operator)).json()["rules"]
    assert kept == {"body": SECOND_PARAGRAPH, "remove": [".share", ".print"]}
    job = await admin.get("/console/migration/hefei/jobs/1")
    assert SECOND_PARAGRAPH in job.text and "<td>合肥管理员赵敏</td><td>修改计划</td>" in job.text


async def test_an_editor_gets_no_rules_page(province, people, platform, old_server) -> None:
    await read_job(people["hf-admin"], platform, old_server)
    editor = people["hf-editor"]
    await editor.sign_in("hf-editor", PASSWORD)
    assert (await editor.get(RULES)).status_code == 403
    refused = await editor.post_raw(RULES, {"action": "save", "body": "div"})
    assert refused.status_code in (403, 400)
