"""Search behaviour, the same on the embedded engine and on Elasticsearch: Chinese words, pinyin, typos,
scopes, versions of events, and refusals of bad queries."""

from __future__ import annotations

import pytest

from services.search.tests.support import FEIXI, HEFEI, MAS, TZGG, body, found, hits, publish, titles
from shared.events.content import DocumentPublished, DocumentUpdated, DocumentWithdrawn, WithdrawalKind
from shared.events.samples import Feeder, eventually, message


async def test_chinese_words_pinyin_and_initials_find_the_document(api, feeder, province) -> None:
    await publish(
        feeder, province, HEFEI, "关于提高城乡居民医保报销比例的通知", ["城乡居民医保住院报销比例提高到百分之七十。"]
    )
    await publish(feeder, province, HEFEI, "住房公积金提取办法", ["职工租房可以提取住房公积金，按月办理。"])
    await found(api, "医保", "关于提高城乡居民医保报销比例的通知")
    await found(api, "公积金", "住房公积金提取办法")
    assert await titles(api, "yibao") == ["关于提高城乡居民医保报销比例的通知"]
    assert "关于提高城乡居民医保报销比例的通知" in await titles(api, "yb")
    assert await titles(api, "gongjijin") == ["住房公积金提取办法"]
    assert await titles(api, "公积金 提取") == ["住房公积金提取办法"]
    result = await hits(api, "住房公积金")
    assert "<em>住房公积金</em>" in result["results"][0]["title_html"]
    assert "<em>" in result["results"][0]["snippet_html"]


async def test_a_wrong_character_is_corrected(api, feeder, province) -> None:
    await publish(feeder, province, HEFEI, "合肥市政府信息公开工作年度报告", ["本机关政府信息公开工作情况如下。"])
    await found(api, "政府信息公开", "合肥市政府信息公开工作年度报告")
    result = await hits(api, "政俯信息公开")
    assert result["corrected"] == "政府信息公开"
    assert [r["title"] for r in result["results"]] == ["合肥市政府信息公开工作年度报告"]
    shape = await hits(api, "信息公幵")
    assert shape["corrected"] == "信息公开"
    assert shape["total"] == 1


async def test_site_scope_never_leaks_another_site_and_group_scope_shows_each_once(api, feeder, province) -> None:
    ours = await publish(feeder, province, HEFEI, "合肥市优化营商环境若干措施", ["持续优化营商环境。"])
    await publish(feeder, province, MAS, "马鞍山市优化营商环境行动方案", ["马鞍山市持续优化营商环境。"])
    await found(api, "营商环境", "马鞍山市优化营商环境行动方案", site_id="mas")
    await found(api, "营商环境", "合肥市优化营商环境若干措施")
    assert await titles(api, "营商环境") == ["合肥市优化营商环境若干措施"]
    assert await titles(api, "马鞍山", site_id="hefei") == []
    group = await hits(api, "营商环境", scope="group")
    assert sorted(r["title"] for r in group["results"]) == [
        "合肥市优化营商环境若干措施",
        "马鞍山市优化营商环境行动方案",
    ]
    assert {f["value"]: f["count"] for f in group["facets"]["site"]} == {"hefei": 1, "mas": 1}
    # reposted to 肥西: found on 肥西's own search, at 肥西's address; still once in the group
    reposted = ours.model_copy()
    feeder._placements[ours.id] = (HEFEI, [*feeder._placements[ours.id][1], _repost(feeder, ours, province)])
    await feeder.send(feeder.event(DocumentUpdated, reposted, change="placements"))
    await found(api, "营商环境", "合肥市优化营商环境若干措施", site_id="feixi")
    (result,) = (await hits(api, "营商环境", site_id="feixi"))["results"]
    assert result["site_id"] == "feixi" and result["url"].startswith("https://www.feixi.gov.cn/")
    assert (await hits(api, "营商环境", scope="group"))["total"] == 2


def _repost(feeder: Feeder, doc, province):
    from shared.events.content import Placement

    return Placement(
        site_id="feixi",
        site_main_domain=FEIXI.main_domain,
        channel_id=province["feixi"][TZGG],
        channel_path=TZGG,
        channel_name="通知公告",
        kind="repost",
        url_path=f"/{TZGG}/repost_{doc.id}.html",
    )


async def test_withdrawn_leaves_and_a_stale_event_never_brings_it_back(api, app, feeder, province) -> None:
    doc = await publish(feeder, province, HEFEI, "关于暂停办理不动产登记业务的通知", ["不动产登记中心暂停办理业务。"])
    published = feeder.event(DocumentUpdated, doc, change="revision")  # version 2, kept for a late redelivery
    await feeder.send(published)
    await found(api, "不动产登记", "关于暂停办理不动产登记业务的通知")
    await feeder.send(
        feeder.event(DocumentWithdrawn, doc, kind=WithdrawalKind.WITHDRAW, reason="已过时", redirect_url=None)
    )

    async def gone() -> bool:
        return await titles(api, "不动产登记") == []

    await eventually(gone)
    await feeder.bus.publish_batch([message(published)])  # the older version arrives again, late
    await feeder.publish(feeder.document(HEFEI, (province["hefei"][TZGG], TZGG), "合肥市公积金缴存通知"))
    await found(api, "公积金", "合肥市公积金缴存通知")  # everything before it has been handled
    assert await titles(api, "不动产登记") == []


async def test_events_handled_together_keep_each_documents_newest_version(api, feeder, province) -> None:
    """An import's events come by the hundred, read and written together: within one batch a later version of a
    document replaces an earlier one, and a stale one changes nothing."""
    tzgg = (province["hefei"][TZGG], TZGG)
    first = feeder.document(HEFEI, tzgg, "关于开展城乡环境整治的通知", body_html=body("开展城乡环境整治。"))
    second = feeder.document(HEFEI, tzgg, "关于做好秋冬季森林防火工作的通知", body_html=body("做好森林防火。"))
    published = feeder.event(DocumentPublished, first)
    revised = first.model_copy(update={"title": "关于开展城乡环境综合整治的通知"})
    again = first.model_copy(update={"title": "关于开展城乡环境综合整治行动的通知"})
    events = [
        published,
        feeder.event(DocumentUpdated, revised, change="revision"),
        feeder.event(DocumentUpdated, again, change="revision"),
        feeder.event(DocumentPublished, second),
        published,  # the first version again, late, in the same batch: dropped
    ]
    await feeder.bus.publish_batch([message(e) for e in events])
    await found(api, "森林防火", "关于做好秋冬季森林防火工作的通知")
    assert await titles(api, "城乡环境") == ["关于开展城乡环境综合整治行动的通知"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "医" * 3_500}, "q"),  # 10 KB of UTF-8
        ({"q": "医保\x00\x07"}, "q"),
        ({"q": "医保", "page": 10**9}, "page"),
        ({"q": "医保", "page": 200, "size": 50}, "page"),
        ({"q": "医保", "size": 0}, "size"),
        ({"q": "医保", "sort": "popular"}, "sort"),
        ({"q": "医保", "cursor": "abc", "sort": "date"}, "cursor"),
        ({"q": "医保", "date_from": "2026-13-01"}, "date_from"),
        ({"q": "医保", "site": "../etc"}, "site"),
    ],
)
async def test_bad_queries_get_a_4xx_naming_the_field(api, province, params, field) -> None:
    response = await api.get("/api/v1/search", params={"site": "hefei", **params})
    assert 400 <= response.status_code < 500, response.text
    assert field in response.text


async def test_an_unknown_site_is_404(api, province) -> None:
    response = await api.get("/api/v1/search", params={"q": "医保", "site": "nowhere"})
    assert response.status_code == 404
    assert "site" in response.json()["error"]["message"]


async def test_filters_facets_and_a_date_cursor_that_pages_to_the_end(api, feeder, province) -> None:
    from datetime import UTC, datetime

    for n in range(7):
        await publish(
            feeder,
            province,
            HEFEI,
            f"政务服务事项清单第{n}批",
            ["公布政务服务事项清单。"],
            published=datetime(2024 + n % 2, 3, n + 1, tzinfo=UTC),
        )
    await publish(feeder, province, HEFEI, "关于废止政务服务事项清单的决定", ["政务服务事项清单废止。"])
    await found(api, "政务服务事项", "关于废止政务服务事项清单的决定")
    await found(api, "政务服务事项", "政务服务事项清单第6批")
    everything = await hits(api, "政务服务事项")
    assert everything["total"] == 8
    assert {f["value"]: f["count"] for f in everything["facets"]["year"]} == {"2024": 4, "2025": 3, "2026": 1}
    assert (await hits(api, "政务服务事项", date_from="2025-01-01", date_to="2025-12-31"))["total"] == 3
    assert (await hits(api, "政务服务事项", doc_type="policy"))["total"] == 8  # the samples carry a 文号
    assert (await hits(api, "政务服务事项", validity="废止"))["total"] == 0
    seen: list[str] = []
    cursor = None
    while True:
        page = await hits(api, "政务服务事项", sort="date", size=3, **({"cursor": cursor} if cursor else {}))
        seen += [r["url_path"] for r in page["results"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    dates = [p.split("/t")[1][:8] for p in seen]
    assert len(seen) == len(set(seen)) == 8 and dates == sorted(dates, reverse=True)


async def test_another_services_public_things_are_found_through_the_searchable_contract(api, feeder, province) -> None:
    from datetime import UTC, datetime

    from shared.events.searchable import SearchableEntry, SearchableRemoved, SearchableUpdated

    letter = SearchableEntry(
        kind="letter",
        id="L2026001",
        site_id="hefei",
        site_main_domain=HEFEI.main_domain,
        url_path="/hdjl/xx/L2026001.html",
        title="关于小区加装电梯补贴的咨询",
        text="问：老旧小区加装电梯有补贴吗？答：按照合肥市既有住宅增设电梯补贴办法，每台补贴二十万元。",
        category="城乡建设",
        published_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    await feeder.send(
        SearchableUpdated(site_id="hefei", aggregate_id="letter:L2026001", aggregate_version=1, entry=letter)
    )
    await found(api, "加装电梯", "关于小区加装电梯补贴的咨询")
    result = (await hits(api, "jiazhuangdianti"))["results"][0]
    assert result["doc_type"] == "letter" and result["url_path"] == "/hdjl/xx/L2026001.html"
    assert (await hits(api, "加装电梯", doc_type="letter"))["total"] == 1
    assert (await hits(api, "加装电梯", doc_type="policy"))["total"] == 0
    removed = SearchableRemoved(site_id="hefei", aggregate_id="letter:L2026001", aggregate_version=2, entry=letter)
    await feeder.send(removed)

    async def gone() -> bool:
        return await titles(api, "加装电梯") == []

    await eventually(gone)
    interview = letter.model_copy(
        update={
            "kind": "interview",
            "id": "7",
            "url_path": "/hdjl/ft/7.html",
            "title": "政务服务“一网通办”在线访谈",
            "text": "嘉宾：市数据资源局局长\n主持人：企业开办现在需要多长时间？",
            "category": "互动交流·在线访谈",
        }
    )
    await feeder.send(
        SearchableUpdated(site_id="hefei", aggregate_id="interview:7", aggregate_version=3, entry=interview)
    )
    await found(api, "一网通办", "政务服务“一网通办”在线访谈")
    assert (await hits(api, "企业开办", doc_type="interview"))["total"] == 1
    assert (await hits(api, "企业开办", doc_type="letter"))["total"] == 0
