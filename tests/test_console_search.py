"""The console's 站内搜索 desk end to end, in-process: an editor of 合肥 shapes the site's search through the
console's forms (synonyms, 置顶, 智能问答) and the search API answers accordingly; an editor of 马鞍山 neither sees
nor changes 合肥's; a refused field is named beside it; a month's searches are counted on the analytics page."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from services import identity
from services.console.tests.browsing import Person, browser, text_of
from tests.test_consolidated import API, bearer, open_hefei, publish

BASE = "http://127.0.0.1:8765"
SEARCH = "/api/v1/search"
PASSWORD = "Zhengwu@2026x"
PEOPLE = {
    "hf-editor": ("合肥编辑王芳", "hefei", "editor"),
    "mas-editor": ("马鞍山编辑李强", "mas", "editor"),
    "op1": ("平台运维人员钱峰", "*", "platform_operator"),
}
MAS = {
    "id": "mas",
    "name": "马鞍山市人民政府",
    "host_unit": "马鞍山市人民政府办公室",
    "site_code": "3405000001",
    "org_code": "003259214",
    "level": "city",
    "parent_id": "ah",
    "main_domain": "www.mas.gov.cn",
    "status": "online",
}
NOTICE = "城乡居民基本医疗保险参保缴费的通知"


@pytest_asyncio.fixture
async def province(http, platform) -> dict:
    channels = await open_hefei(http, platform)
    opened = await http.post(f"{API}/sites", json=MAS, headers=bearer(platform, "operator", ("*", "platform_operator")))
    assert opened.status_code == 201, opened.text
    seeds = [identity.StaffSeed(u, name, site, role) for u, (name, site, role) in PEOPLE.items()]
    await identity.provision_staff(platform.identity.deps, seeds, PASSWORD, actor="test")
    await publish(http, platform, channels["zwdt/tzgg"], NOTICE)
    return channels


@pytest_asyncio.fixture
async def people(platform) -> AsyncIterator[dict[str, Person]]:
    clients = {username: browser(platform, BASE) for username in PEOPLE}
    yield {username: Person(client) for username, client in clients.items()}
    for client in clients.values():
        await client.aclose()


async def search(http, q: str, site: str = "hefei") -> dict:
    found = await http.get(SEARCH, params={"q": q, "site": site})
    assert found.status_code == 200, found.text
    return found.json()


async def test_an_editor_shapes_the_sites_search_through_the_console(province, people, http) -> None:
    assert (await search(http, "医保"))["total"] == 0
    editor = people["hf-editor"]
    desk = await editor.sign_in("hf-editor", PASSWORD, start="/console/search/")
    assert desk.url.path == "/console/search/hefei/synonyms" and "合肥市人民政府 · 同义词" in desk.text
    added = await editor.submit(desk, desk.url.path, {"words": "医保，基本医疗保险"})
    assert "已添加同义词：医保、基本医疗保险" in added.text and "医保、基本医疗保险" in text_of(added.text)
    assert [r["title"] for r in (await search(http, "医保"))["results"]] == [NOTICE]
    bets = await editor.get("/console/search/hefei/best-bets")
    bet = {"query": "住房公积金", "title": "住房公积金网上服务大厅", "url": "https://gjj.hefei.gov.cn/", "position": ""}
    pinned = await editor.submit(bets, bets.url.path, bet)
    assert (
        "已将“住房公积金网上服务大厅”置顶于“住房公积金”" in pinned.text and "https://gjj.hefei.gov.cn/" in pinned.text
    )
    first = (await search(http, "住房公积金"))["results"][0]
    assert first["pinned"] and first["title"] == "住房公积金网上服务大厅"
    again = await editor.submit(bets, bets.url.path, bet)  # the same page pinned twice for one query
    assert again.status_code == 409 and "同一查询已置顶了这个页面" in again.text
    qa = await editor.get("/console/search/hefei/qa")
    pair = {"question": "住房公积金怎么提取", "answer": "职工可通过合肥住房公积金网上服务大厅申请提取。", "url": ""}
    answered = await editor.submit(qa, qa.url.path, pair)
    assert "已添加问答“住房公积金怎么提取”" in answered.text and pair["answer"] in answered.text
    assert (await search(http, "我想提取住房公积金怎么办"))["answer"]["answer"] == pair["answer"]
    synonyms = await editor.get("/console/search/hefei/synonyms")
    action = next(a for a in _actions(synonyms.text) if a.endswith("/delete"))  # the row's delete form
    deleted = await editor.submit(synonyms, action, {})
    assert "已删除" in deleted.text and "医保、基本医疗保险" not in deleted.text
    assert (await search(http, "医保"))["total"] == 0


async def test_an_editor_of_another_site_neither_sees_nor_changes_hefeis(province, people, http, platform) -> None:
    hefei = bearer(platform, "editor@hefei", ("hefei", "editor"))
    added = await http.post(f"{SEARCH}/sites/hefei/synonyms", json={"words": ["医保", "基本医疗保险"]}, headers=hefei)
    row = added.json()["id"]
    other = people["mas-editor"]
    own = await other.sign_in("mas-editor", PASSWORD, start="/console/search/synonyms")
    assert own.url.path == "/console/search/mas/synonyms" and "合肥" not in text_of(own.text)
    assert "切换站点" not in own.text  # one site: no picker to go back to
    for path in ("/console/search/hefei/synonyms", "/console/search/hefei/qa", "/console/search/hefei/analytics"):
        refused = await other.get(path)
        assert refused.status_code == 403 and "医保" not in refused.text, path
    forged = await other.submit(own, "/console/search/hefei/synonyms", {"words": "医保、社保"})
    assert forged.status_code == 403
    gone = await other.submit(own, f"/console/search/hefei/synonyms/{row}/delete", {})
    assert gone.status_code == 403
    platform_words = await other.get("/console/search/platform/synonyms")
    assert platform_words.status_code == 403 and "平台运营人员" in platform_words.text
    listed = await http.get(f"{SEARCH}/sites/hefei/synonyms", headers=hefei)
    assert [r["words"] for r in listed.json()] == [["医保", "基本医疗保险"]]
    operator = people["op1"]
    picker = await operator.sign_in("op1", PASSWORD, start="/console/search/")
    assert "全平台" in picker.text and "合肥市人民政府" in picker.text and "马鞍山市人民政府" in picker.text
    everywhere = await operator.get("/console/search/platform/synonyms")
    made = await operator.submit(everywhere, everywhere.url.path, {"words": "社保、社会保险"})
    assert "全平台（各站点通用） · 同义词" in made.text and "社保、社会保险" in made.text


async def test_refusals_are_shown_beside_their_fields(province, people) -> None:
    editor = people["hf-editor"]
    await editor.sign_in("hf-editor", PASSWORD)
    bets = await editor.get("/console/search/hefei/best-bets")
    bad = {"query": "医保", "title": "医保服务", "url": "javascript:alert(1)", "position": "1"}
    refused = await editor.submit(bets, bets.url.path, bad)
    assert refused.status_code == 422
    assert 'id="f-url" type="text" name="url" value="javascript:alert(1)"' in refused.text
    assert 'aria-invalid="true" aria-describedby="e-url"' in refused.text
    assert 'id="e-url">须以 https://、http:// 或 / 开头' in refused.text
    assert 'href="#f-url">网址</a>' in refused.text and "医保服务" in refused.text  # what was typed stays
    words = await editor.get("/console/search/hefei/synonyms")
    one = await editor.submit(words, words.url.path, {"words": "医保"})
    assert one.status_code == 422 and 'id="e-words">请填写至少两个不同的词' in one.text


async def test_the_analytics_page_counts_a_months_searches(province, people, http, platform) -> None:
    for q in ("基本医疗保险", "基本医疗保险", "参保缴费", "火星移民"):
        await search(http, q)
    click = {"site": "hefei", "q": "基本医疗保险", "url": "https://www.hefei.gov.cn/x.html", "position": 1}
    assert (await http.post(f"{SEARCH}/clicks", params=click)).status_code == 204
    await platform.search.deps.recorder.flush()
    editor = people["hf-editor"]
    page = await editor.sign_in("hf-editor", PASSWORD, start="/console/search/analytics")
    assert page.url.path == "/console/search/hefei/analytics", page.url
    shown = text_of(page.text)
    assert "搜索次数 4 无结果搜索 1（25.0%） 结果点击 1 点击率 25.0%" in shown, shown[:800]
    assert "基本医疗保险 2 0 1 50.0%" in shown
    assert '<svg class="chart" role="img" aria-labelledby="chart-t chart-d"' in page.text and "<title" in page.text
    assert 'href="/console/search/hefei/synonyms?words=%E7%81%AB%E6%98%9F%E7%A7%BB%E6%B0%91#add"' in page.text
    prefilled = await editor.get("/console/search/hefei/best-bets?query=火星移民")
    assert 'name="query" value="火星移民"' in prefilled.text
    wrong = await editor.get("/console/search/hefei/analytics", params={"month": "2026-13"})
    assert wrong.status_code == 422 and 'id="e-month"' in wrong.text
    earlier = await editor.get("/console/search/hefei/analytics", params={"month": "2020-01"})
    assert "这个月还没有人在本站搜索" in earlier.text and 'value="2020-01" selected' in earlier.text


def _actions(page: str) -> list[str]:
    return [part.split('"', 1)[0] for part in page.split('action="')[1:]]
