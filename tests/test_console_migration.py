"""The console's 网站迁移 desk end to end, in-process: 合肥's site admin plans a job through the form (a legacy
site on loopback), follows it to the end, sees its log, maps an undecided legacy URL with one click and a batch as
CSV; a refused plan is named beside its field; an editor and another site's admin get nothing of it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
import pytest_asyncio

from services import identity
from services.console.tests.browsing import Person, browser, text_of
from services.transition.tests.legacy_site import legacy_site
from shared.testing import serve_on_port
from tests.test_consolidated import open_hefei

BASE = "http://127.0.0.1:8765"
PASSWORD = "Zhengwu@2026x"
PEOPLE = {"hf-admin": ("合肥管理员赵敏", "hefei", "site_admin"), "hf-editor": ("合肥编辑王芳", "hefei", "editor")}
OLD = {"host": "old.hefei.gov.cn"}


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
