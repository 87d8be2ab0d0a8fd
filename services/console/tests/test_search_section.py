"""The search desk's own rules: words typed as Chinese writers separate them become a synonym group, what the
search API would refuse in English is said first in Chinese, refusals land beside their fields, the month picker
and the chart of the ten most asked queries."""

from __future__ import annotations

from datetime import date

from services.console.registry import discover
from services.console.sections.search.analytics import chart_rows, months_back, totals
from services.console.sections.search.desk import api_path
from services.console.sections.search.forms import best_bet_body, qa_body, refusals, synonym_body, synonym_words
from services.console.service.platform_api import ApiError
from shared.auth import Grant, Principal


def test_words_are_split_at_commas_and_enumeration_commas() -> None:
    assert synonym_words("医保，基本医疗保险、 医疗  保险,,\n社保") == ["医保", "基本医疗保险", "医疗 保险", "社保"]
    assert synonym_body({"words": "医保、医保"}) == ({}, {"words": "请填写至少两个不同的词，用逗号或顿号分隔"})
    assert synonym_body({"words": "、".join(f"词{n}" for n in range(11))})[1] == {"words": "一组最多 10 个词"}
    assert "超过 20 个字" in synonym_body({"words": "医保、" + "长" * 21})[1]["words"]
    assert synonym_body({"words": "YB、医保"}) == ({"words": ["yb", "医保"]}, {})


def test_a_best_bet_and_a_question_become_the_apis_bodies() -> None:
    form = {
        "query": " 住房公积金 ",
        "title": "住房公积金网上服务大厅",
        "url": "https://gjj.hefei.gov.cn/",
        "position": "",
    }
    assert best_bet_body(form) == ({**form, "query": "住房公积金", "position": 0}, {})
    for wrong in ("第一", "²", "-1"):
        assert best_bet_body(form | {"position": wrong})[1] == {"position": "请填写 0 到 100 之间的整数"}
    assert qa_body({"question": "怎么提取", "answer": "网上办理。", "url": " "})[0]["url"] is None


def test_the_apis_refusals_land_beside_their_fields() -> None:
    pattern = "格式不正确，须匹配 ^(https?://[^\\s]+|/[^\\s]*)$"
    error = ApiError(422, "invalid_input", "输入有误", {"body.url": pattern, "body.words.1": "须为字符串"})
    assert refusals(error, "words") == {"url": "须以 https://、http:// 或 / 开头，且不能含空格", "words": "须为字符串"}
    assert refusals(ApiError(422, "invalid_input", "输入有误", {"body.title": "至少需要 1 个字符"})) == {
        "title": "至少需要 1 个字符"
    }
    assert refusals(ApiError(409, "conflict", "同一查询已置顶了这个页面")) == {"": "同一查询已置顶了这个页面"}
    assert api_path("hefei", "qa") == "/api/v1/search/sites/hefei/qa"
    assert api_path("platform", "best-bets") == "/api/v1/search/platform/best-bets"


def test_the_month_picker_goes_back_two_years_and_keeps_an_older_month_asked_for() -> None:
    months = months_back(date(2026, 2, 1), "2026-02")
    assert months[:3] == [("2026-02", "2026年2月"), ("2026-01", "2026年1月"), ("2025-12", "2025年12月")]
    assert len(months) == 24 and months[-1][0] == "2024-03"
    assert months_back(date(2026, 2, 1), "2019-07")[-1] == ("2019-07", "2019年7月")
    assert len(months_back(date(2026, 2, 1), "2026-13x")) == 24


def test_the_chart_shows_the_ten_most_asked_with_bars_to_scale() -> None:
    top = [{"query": f"查询词{n}", "searches": 40 - n * 4} for n in range(12)]
    top[0]["query"] = "关于进一步优化营商环境的若干措施"
    rows = chart_rows(top)
    assert len(rows) == 10 and rows[0]["bar"] == 360 and rows[5]["bar"] == 180
    assert rows[0]["label"] == "关于进一步优化营商环境的若…" and rows[1]["label"] == "查询词1"
    assert chart_rows([{"query": "医保", "searches": 0}])[0]["bar"] == 2
    figures = totals({"searches": 8, "zero_result_searches": 2, "clicks": 1})
    assert figures == {"搜索次数": "8", "无结果搜索": "2（25.0%）", "结果点击": "1", "点击率": "12.5%"}
    assert totals({"searches": 0, "zero_result_searches": 0, "clicks": 0})["点击率"] == "—"


def test_the_desk_is_in_the_menu_of_its_curators_only() -> None:
    section = next(s for s in discover() if s.key == "search")

    def shown(site: str, role: str) -> list[str]:
        principal = Principal(subject="u1", grants=(Grant(site=site, role=role),))
        return [item.title for item in section.menu if item.shown_to(principal)]

    assert shown("hefei", "editor") == ["同义词", "置顶", "智能问答", "搜索统计"]
    assert shown("*", "platform_operator")[-1] == "全平台搜索词"
    assert shown("hefei", "reviewer:初审") == []
