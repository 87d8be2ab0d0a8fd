"""The console's 数据开放 desk end to end, in-process: 合肥市统计局's data publisher describes a dataset in Chinese,
uploads its CSV (and sees a broken one's report), names a column and publishes; a registered developer makes an
application and a key in 个人中心 → 开发者, applies for a 有条件开放 dataset with it, the publisher approves at the
desk and the key reads the data; a 马鞍山 publisher sees none of 合肥's desk."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from services import identity
from services.console.tests.browsing import Person, browser, hidden_fields, text_of
from tests.test_console_search import MAS
from tests.test_consolidated import API, bearer, open_hefei

BASE = "http://127.0.0.1:8765"
PASSWORD = "Zhengwu@2026x"
OPENDATA = "/api/v1/opendata"
DESK = "/console/opendata/hefei"
PEOPLE = {
    "hf-tjj": ("合肥市统计局王芳", "hefei", "data_publisher"),
    "mas-data": ("马鞍山市数据资源局赵磊", "mas", "data_publisher"),
}
POPULATION = {
    "title": "合肥市各区县常住人口",
    "name": "hefei-population",
    "notes": "合肥市各县（市）区年末常住人口，数据来源于合肥市统计年鉴。",
    "publisher": "合肥市统计局",
    "theme": "人口",
    "access": "open",
    "frequency": "每年",
    "license_id": "cc-by-4.0",
    "tags": "人口，统计年鉴、常住人口",
    "contact_name": "综合统计处",
    "contact_email": "tjj@hefei.gov.cn",
}
BUS_FLOW = POPULATION | {
    "title": "合肥市公交线路日客流量",
    "name": "hefei-bus-flow",
    "notes": "合肥市区各公交线路的日均客流量，供交通研究使用。",
    "publisher": "合肥市交通运输局",
    "theme": "道路交通",
    "access": "conditional",
    "tags": "公交，客流",
}
PEOPLE_CSV = "地区,年份,常住人口（万人）\n瑶海区,2024,105.6\n庐阳区,2024,72.3\n蜀山区,2024,121.8\n包河区,2024,130.2\n"
RAGGED_CSV = "地区,年份,常住人口（万人）\n瑶海区,2024,105.6\n庐阳区,2024\n"
BUS_CSV = "线路,日期,客流量（人次）\n1路,2026-05-01,18234\n126路,2026-05-01,9321\n"


@pytest_asyncio.fixture
async def portal(http, platform) -> None:
    await open_hefei(http, platform)
    operator = bearer(platform, "operator", ("*", "platform_operator"))
    assert (await http.post(f"{API}/sites", json=MAS, headers=operator)).status_code == 201
    await platform.settle()  # the portal hears of the sites from the content library
    seeds = [identity.StaffSeed(u, name, site, role) for u, (name, site, role) in PEOPLE.items()]
    await identity.provision_staff(platform.identity.deps, seeds, PASSWORD, actor="test")


@pytest_asyncio.fixture
async def people(platform) -> AsyncIterator[dict[str, Person]]:
    clients = {username: browser(platform, BASE) for username in PEOPLE}
    yield {username: Person(client) for username, client in clients.items()}
    for client in clients.values():
        await client.aclose()


async def upload(person: Person, page: httpx.Response, action: str, filename: str, content: str) -> httpx.Response:
    """Post the page's upload form as a browser does without scripts: multipart, the file and the CSRF token."""
    fields = hidden_fields(page.text) | {"title": filename.rsplit(".", 1)[0], "description": ""}
    return await person.http.post(action, data=fields, files={"file": (filename, content.encode(), "text/csv")})


def chosen_types(page: str) -> dict[str, str]:
    """The dictionary form's type selects as the browser would send them (each one's selected option)."""
    found = re.findall(r'<select id="f-type-\d+" name="(type-\d+)">.*?<option value="(\w+)" selected>', page, re.S)
    return dict(found)


async def described(person: Person, body: dict[str, str]) -> httpx.Response:
    form = await person.get(f"{DESK}/new")
    made = await person.submit(form, f"{DESK}/new", body)
    assert made.url.path == f"{DESK}/datasets/{body['name']}" and "已创建数据集" in made.text, made.text[:500]
    return made


async def test_a_publisher_describes_uploads_names_columns_and_publishes(portal, people, http, platform) -> None:
    tjj = people["hf-tjj"]
    start = await tjj.sign_in("hf-tjj", PASSWORD, start="/console/opendata/")
    assert start.url.path == f"{DESK}/" and "本站点还没有数据集" in start.text and "数据开放" in start.text
    form = await tjj.get(f"{DESK}/new")
    assert '<label for="f-title">名称（必填）</label>' in form.text
    bad = await tjj.submit(form, f"{DESK}/new", POPULATION | {"name": "合肥人口", "contact_email": "tjj"})
    assert bad.status_code == 422 and 'aria-describedby="e-name h-name"' in bad.text
    assert "只能用小写字母" in bad.text and "请填写有效的电子邮箱" in bad.text and 'value="合肥人口"' in bad.text
    page = await described(tjj, POPULATION)
    assert "统计年鉴、常住人口" in text_of(page.text) and "知识共享署名 4.0" in page.text
    taken = await tjj.submit(form, f"{DESK}/new", POPULATION)
    assert taken.status_code == 409 and "已被使用" in taken.text and 'aria-describedby="e-name h-name"' in taken.text
    early = await tjj.submit(page, f"{DESK}/datasets/hefei-population/publish", {})
    assert early.status_code == 409 and "请先上传至少一个数据文件再发布" in early.text

    action = f"{DESK}/datasets/hefei-population/resources/new"
    assert 'accept=".csv,.xlsx,.json"' in page.text and "data-upload-progress" in page.text
    broken = await upload(tjj, page, action, "常住人口（有误）.csv", RAGGED_CSV)
    assert broken.status_code == 422 and "共 1 处问题" in broken.text
    report = text_of(broken.text)
    assert "第 3 行" in report and "第 3 行有 2 列，表头有 3 列" in report and "庐阳区,2024" in report
    assert 'aria-describedby="e-file report-h"' in broken.text
    loaded = await upload(tjj, page, action, "合肥市各区县常住人口.csv", PEOPLE_CSV)
    assert "已上传“合肥市各区县常住人口”，共 4 行" in loaded.text and "CSV" in loaded.text
    dictionary = re.search(
        rf'href="({DESK}/datasets/hefei-population/resources/[0-9a-f-]{{36}}/dictionary)"', loaded.text
    )[1]
    await names_a_column(tjj, dictionary, http, platform)

    published = await tjj.submit(loaded, f"{DESK}/datasets/hefei-population/publish", {})
    assert "已发布" in published.text and "撤回（从开放目录下架）" in published.text
    public = (await http.get(f"{OPENDATA}/datasets/hefei-population")).json()
    assert public["state"] == "published" and public["tags"] == ["人口", "统计年鉴", "常住人口"]
    await edits_the_description(tjj)
    listed = await tjj.get(f"{DESK}/")
    assert "合肥市各区县常住人口" in listed.text and "已发布" in listed.text and "无条件开放" in listed.text


async def edits_the_description(tjj: Person) -> None:
    """The edit form shows the dataset as saved; its address stays; a refusal is shown beside its field."""
    page = await tjj.get(f"{DESK}/datasets/hefei-population/edit")
    assert 'value="合肥市统计局"' in page.text and "<option selected>每年</option>" in page.text
    assert 'name="name"' not in page.text and "（创建后不能修改）" in page.text
    typed = {k: v for k, v in POPULATION.items() if k != "name"} | {"frequency": "每季度", "tags": "人口，区县"}
    bad = await tjj.submit(page, page.url.path, typed | {"publisher": "局"})
    assert bad.status_code == 422 and '<p class="error" id="e-publisher">至少需要 2 个字符</p>' in bad.text
    saved = await tjj.submit(page, page.url.path, typed)
    assert "已保存数据集信息" in saved.text and "每季度" in saved.text and "人口、区县" in saved.text


async def names_a_column(tjj: Person, dictionary: str, http, platform) -> None:
    """The 数据项 form: the third column gets its Chinese name and a note; its type is kept."""
    page = await tjj.get(dictionary)
    assert "<code>常住人口（万人）</code>" in page.text and '<label for="f-label-2">名称</label>' in page.text
    types = chosen_types(page.text)
    assert types == {"type-0": "text", "type-1": "integer", "type-2": "numeric"}
    saved = await tjj.submit(page, dictionary, types | {"label-2": "年末常住人口", "notes-2": "单位：万人"})
    assert "已保存数据项" in saved.text
    again = await tjj.get(dictionary)
    assert 'value="年末常住人口"' in again.text and 'value="单位：万人"' in again.text
    wrong = await tjj.submit(again, dictionary, types | {"type-0": "integer"})  # 地区 is not a number
    assert wrong.status_code == 422 and "数据项未保存" in wrong.text and "瑶海区" in wrong.text
    draft = await http.get(
        f"{OPENDATA}/datasets/hefei-population", headers=bearer(platform, "x", ("hefei", "data_publisher"))
    )
    columns = draft.json()["resources"][0]["columns"]
    assert columns[2] | {} == {
        "id": "常住人口（万人）",
        "type": "numeric",
        "label": "年末常住人口",
        "notes": "单位：万人",
    }


async def open_bus_flow(tjj: Person) -> str:
    """The 有条件开放 dataset, with its file, published: its resource's id."""
    page = await described(tjj, BUS_FLOW)
    loaded = await upload(tjj, page, f"{DESK}/datasets/hefei-bus-flow/resources/new", "公交客流.csv", BUS_CSV)
    assert "共 2 行" in loaded.text
    published = await tjj.submit(loaded, f"{DESK}/datasets/hefei-bus-flow/publish", {})
    assert "已发布" in published.text and "有条件开放" in published.text
    return re.search(r"资源编号 <code>([0-9a-f-]{36})</code>", published.text)[1]


async def a_developers_key(http, platform) -> tuple[Person, str]:
    """A citizen registers, signs in to the console, makes an application and a key on 个人中心 → 开发者."""
    account = {"username": "zhang.kaifa", "password": PASSWORD, "name": "张开发", "kind": "citizen"}
    assert (await http.post("/api/v1/identity/register", json=account)).status_code == 201
    dev = Person(browser(platform, BASE))
    page = await dev.sign_in("zhang.kaifa", PASSWORD, start="/console/account/developer")
    assert "您还没有应用" in page.text and 'href="/console/account/developer" aria-current="page"' in page.text
    assert 'href="/console/opendata/"' not in page.text  # a developer publishes nothing
    made = await dev.submit(page, "/console/account/developer", {"name": "合肥公交客流分析", "description": "研究用"})
    assert "已创建应用“合肥公交客流分析”" in made.text and "还没有密钥" in made.text
    app_id = re.search(r'action="/console/account/developer/(app-[0-9a-f]{12})/keys"', made.text)[1]
    bad = await dev.submit(made, f"/console/account/developer/{app_id}/keys", {"per_minute": "0"})
    assert bad.status_code == 422 and f'aria-describedby="e-{app_id}"' in bad.text
    issued = await dev.submit(made, f"/console/account/developer/{app_id}/keys", {"per_minute": "120"})
    assert issued.url.path == f"/console/account/developer/{app_id}/keys" and "只显示这一次" in issued.text
    key = re.search(r'value="(sgk_[a-z0-9]{12}_[A-Za-z0-9_-]{43})"', issued.text)[1]
    later = await dev.get("/console/account/developer")
    assert key not in later.text and f"sgk_{key[4:16]}_…" in later.text and "120 次" in later.text
    assert "有效" in later.text and "datastore_search(resource_id=" in later.text and "ckanapi.RemoteCKAN" in later.text
    assert "还没有使用申请" in later.text and "0 次" in later.text  # nothing called yet
    return dev, key


async def test_a_developer_applies_with_a_key_and_the_publisher_approves(portal, people, http, platform) -> None:
    tjj = people["hf-tjj"]
    await tjj.sign_in("hf-tjj", PASSWORD, start="/console/opendata/")
    resource = await open_bus_flow(tjj)
    dev, key = await a_developers_key(http, platform)
    data = f"{OPENDATA}/resources/{resource}/data"
    assert (await http.get(data)).status_code == 401  # 有条件开放: a key is needed
    assert (await http.get(data, headers={"x-api-key": key})).status_code == 403  # … and an approval
    body = {
        "dataset": "hefei-bus-flow",
        "applicant": "张开发",
        "purpose": "研究合肥公交线路客流的时段分布，优化出行建议。",
    }
    applied = await http.post(f"{OPENDATA}/access-requests", json=body, headers={"x-api-key": key})
    assert applied.status_code == 201, applied.text

    dashboard = await tjj.get("/console/")
    assert "合肥市人民政府 · 待审批的数据使用申请" in dashboard.text
    pending = await tjj.get(f"{DESK}/requests")
    assert "研究合肥公交线路客流" in pending.text and "合肥市公交线路日客流量" in pending.text
    number = applied.json()["id"]
    refused = await tjj.submit(pending, f"{DESK}/requests/{number}", {"decision": "refuse", "reason": ""})
    assert refused.status_code == 422 and "拒绝时请填写理由" in refused.text
    approved = await tjj.submit(pending, f"{DESK}/requests/{number}", {"decision": "approve", "reason": ""})
    assert f"已批准第 {number} 号申请" in approved.text and "已批准" in approved.text
    read = await http.get(data, headers={"x-api-key": key})
    assert read.status_code == 200 and read.json()["records"][0]["线路"] == "1路"
    assert "没有待审批的申请" in (await tjj.get(f"{DESK}/requests")).text

    await flush_usage(platform)
    mine = await dev.get("/console/account/developer")  # the developer's own figures: per key, and the decision
    assert re.search(r"<td>120 次</td>\s*<td>[1-9]\d* 次</td>\s*<td>0 次</td>", mine.text)  # limit, calls, downloads
    assert "合肥市公交线路日客流量" in mine.text and "已批准" in mine.text
    stats = await tjj.get(f"{DESK}/stats")
    assert '<svg class="chart" role="img"' in stats.text and "每日接口调用量和文件下载量" in stats.text
    assert re.search(r"接口调用 <strong>[1-9]\d*</strong> 次", stats.text) and "调用 1 次" in stats.text
    decided = await tjj.get(f"{DESK}/requests?show=decided")
    revoked = await tjj.submit(decided, f"{DESK}/requests/{number}", {"decision": "revoke", "reason": "研究已结束"})
    assert f"已撤销第 {number} 号申请" in revoked.text and "理由：研究已结束" in revoked.text
    assert (await http.get(data, headers={"x-api-key": key})).status_code == 403
    await dev.http.aclose()


async def flush_usage(platform) -> None:
    """The portal counts calls in memory and writes them every few seconds: written now."""
    for worker in platform.opendata.workers:
        if type(worker).__name__ == "UsageFlusher":
            await worker.flush()


async def test_another_sites_publisher_sees_none_of_it(portal, people) -> None:
    tjj = people["hf-tjj"]
    await tjj.sign_in("hf-tjj", PASSWORD, start="/console/opendata/")
    page = await described(tjj, POPULATION)
    other = people["mas-data"]
    own = await other.sign_in("mas-data", PASSWORD, start="/console/opendata/")
    assert own.url.path == "/console/opendata/mas/" and "合肥市各区县常住人口" not in own.text
    for path in ("/", "/new", "/datasets/hefei-population", "/datasets/hefei-population/edit", "/requests", "/stats"):
        refused = await other.get(f"{DESK}{path}")
        assert refused.status_code == 403 and "合肥市各区县常住人口" not in refused.text, path
        assert "您在站点 hefei 上没有数据发布角色" in refused.text
    forged = await other.submit(own, f"{DESK}/datasets/hefei-population/publish", {})
    assert forged.status_code == 403
    sneaked = await upload(other, own, f"{DESK}/datasets/hefei-population/resources/new", "x.csv", PEOPLE_CSV)
    assert sneaked.status_code == 403
    assert "草稿" in (await tjj.get(page.url.path)).text  # nothing happened to it
