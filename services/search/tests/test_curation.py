"""Editors shape their site's search: synonyms, best bets, Q&A answers; the platform's words apply to every
site; nobody edits another site's; a month's analytics count what the public searched."""

from __future__ import annotations

from services.search.main import SearchRuntime
from services.search.tests.support import HEFEI, MAS, found, hits, publish, titles

API = "/api/v1/search"


async def test_a_site_synonym_widens_that_site_only_and_a_platform_synonym_every_site(
    api, feeder, province, tokens
) -> None:
    await publish(feeder, province, HEFEI, "城乡居民基本医疗保险参保缴费的通知", ["城乡居民基本医疗保险开始缴费。"])
    await publish(feeder, province, MAS, "马鞍山市基本医疗保险报销办法", ["基本医疗保险报销比例。"])
    await found(api, "基本医疗保险", "城乡居民基本医疗保险参保缴费的通知")
    await found(api, "基本医疗保险", "马鞍山市基本医疗保险报销办法", site_id="mas")
    assert await titles(api, "医保") == []
    editor = tokens.bearer("editor@hefei", ("hefei", "editor"))
    added = await api.post(f"{API}/sites/hefei/synonyms", json={"words": ["医保", "基本医疗保险"]}, headers=editor)
    assert added.status_code == 201, added.text
    assert await titles(api, "医保") == ["城乡居民基本医疗保险参保缴费的通知"]
    result = await hits(api, "医保")
    assert "<em>基本医疗保险</em>" in result["results"][0]["title_html"]
    assert await titles(api, "医保", site_id="mas") == []  # 合肥's words are 合肥's
    operator = tokens.bearer("operator", ("*", "platform_operator"))
    refused = await api.post(f"{API}/platform/synonyms", json={"words": ["医保", "基本医疗保险"]}, headers=editor)
    assert refused.status_code == 403
    assert (
        await api.post(f"{API}/platform/synonyms", json={"words": ["医保", "基本医疗保险"]}, headers=operator)
    ).status_code == 201
    assert await titles(api, "医保", site_id="mas") == ["马鞍山市基本医疗保险报销办法"]


async def test_nobody_reads_or_changes_another_sites_search_words(api, province, tokens) -> None:
    hefei_editor = tokens.bearer("editor@hefei", ("hefei", "editor"))
    mas_editor = tokens.bearer("editor@mas", ("mas", "editor"))
    reviewer = tokens.bearer("reviewer@hefei", ("hefei", "reviewer:初审"))
    added = await api.post(
        f"{API}/sites/hefei/qa",
        json={"question": "如何申请政府信息公开", "answer": "通过依申请公开平台提交。"},
        headers=hefei_editor,
    )
    row = added.json()["id"]
    assert (await api.get(f"{API}/sites/hefei/qa", headers=mas_editor)).status_code == 403
    assert (await api.get(f"{API}/sites/hefei/qa", headers=reviewer)).status_code == 403
    assert (await api.get(f"{API}/sites/hefei/qa")).status_code == 401
    assert (await api.delete(f"{API}/sites/mas/qa/{row}", headers=mas_editor)).status_code == 404  # not mas's
    assert (await api.delete(f"{API}/sites/hefei/qa/{row}", headers=mas_editor)).status_code == 403
    assert [q["question"] for q in (await api.get(f"{API}/sites/hefei/qa", headers=hefei_editor)).json()] == [
        "如何申请政府信息公开"
    ]
    bad = await api.post(f"{API}/sites/hefei/synonyms", json={"words": ["医保"]}, headers=hefei_editor)
    assert bad.status_code == 422 and "words" in bad.text
    bad_url = await api.post(
        f"{API}/sites/hefei/best-bets",
        json={"query": "医保", "title": "医保", "url": "javascript:alert(1)"},
        headers=hefei_editor,
    )
    assert bad_url.status_code == 422 and "url" in bad_url.text


async def test_best_bets_come_first_and_a_question_gets_its_answer(api, feeder, province, tokens) -> None:
    await publish(feeder, province, HEFEI, "合肥市住房公积金提取办法", ["住房公积金提取。"])
    await publish(feeder, province, HEFEI, "关于住房公积金缴存基数调整的通知", ["住房公积金缴存基数调整。"])
    await found(api, "住房公积金", "合肥市住房公积金提取办法")
    await found(api, "住房公积金", "关于住房公积金缴存基数调整的通知")
    admin = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    bet = {"query": "住房公积金", "title": "住房公积金网上服务大厅", "url": "https://gjj.hefei.gov.cn/"}
    assert (await api.post(f"{API}/sites/hefei/best-bets", json=bet, headers=admin)).status_code == 201
    assert (await api.post(f"{API}/sites/hefei/best-bets", json=bet, headers=admin)).status_code == 409
    pair = {
        "question": "住房公积金怎么提取",
        "answer": "职工可通过合肥住房公积金网上服务大厅申请提取。",
        "url": "https://gjj.hefei.gov.cn/",
    }
    assert (await api.post(f"{API}/sites/hefei/qa", json=pair, headers=admin)).status_code == 201
    result = await hits(api, "住房公积金")
    assert result["results"][0]["pinned"] and result["results"][0]["title"] == "住房公积金网上服务大厅"
    assert len(result["results"]) == 3
    asked = await hits(api, "我想提取住房公积金怎么办")
    assert asked["answer"]["answer"].startswith("职工可通过")
    assert (await hits(api, "不动产登记"))["answer"] is None


async def test_analytics_count_searches_zero_results_and_clicks(api, app, feeder, province, tokens) -> None:
    await publish(feeder, province, HEFEI, "合肥市优化营商环境若干措施", ["持续优化营商环境。"])
    await found(api, "营商环境", "合肥市优化营商环境若干措施")
    await hits(api, "营商环境")
    assert (await hits(api, "火星移民"))["total"] == 0
    click = {"site": "hefei", "q": "营商环境", "url": "https://www.hefei.gov.cn/x.html", "position": 1}
    assert (await api.post(f"{API}/clicks", params=click)).status_code == 204
    await SearchRuntime.of(app).deps.recorder.flush()
    admin = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    report = (await api.get(f"{API}/sites/hefei/analytics", headers=admin)).json()
    top = {q["query"]: q for q in report["top_queries"]}
    assert top["营商环境"]["searches"] >= 2 and top["营商环境"]["clicks"] == 1
    assert "火星移民" in [q["query"] for q in report["zero_result_queries"]]
    mas_admin = tokens.bearer("admin@mas", ("mas", "site_admin"))
    assert (await api.get(f"{API}/sites/hefei/analytics", headers=mas_admin)).status_code == 403
    assert (
        await api.get(f"{API}/sites/hefei/analytics", params={"month": "2026-13"}, headers=admin)
    ).status_code == 422
