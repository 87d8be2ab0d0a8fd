"""The plan of a migration: legacy sections matched to the target site's channels (by name, by the templates'
synonyms, by slug, by shared characters — and left alone when nothing fits), and the URL map's keys, aliases and
CSV round trip with every bad line named."""

from __future__ import annotations

import pytest

from services.transition.planning.channels import Channel, Section, sections_of, suggest
from services.transition.planning.urlmap import MapRow, UrlMapError, aliases, legacy_key, read_csv, write_csv

CHANNELS = [
    Channel(1, "要闻动态", "/zwdt/yw/"),
    Channel(2, "通知公告", "/zwdt/tzgg/"),
    Channel(3, "部门动态", "/zwdt/bmdt/"),
    Channel(4, "政策文件", "/zfxxgk/fdzdgknr/zcwj/"),
    Channel(5, "政策解读", "/zcjd/"),
    Channel(6, "数据发布", "/sjfb/"),
    Channel(7, "财政信息", "/zfxxgk/fdzdgknr/czxx/"),
]


def test_sections_are_found_from_column_names_crumbs_and_directories() -> None:
    pages = [
        ("http://www.feixi.gov.cn/xwzx/tzgg/202603/t20260301_1.html", "通知公告", []),
        ("http://www.feixi.gov.cn/xwzx/tzgg/202603/t20260302_2.html", "通知公告", []),
        ("http://www.feixi.gov.cn/zwgk/tjxx/202602/t20260220_9.html", None, ["政务公开", "统计信息"]),
        ("http://www.feixi.gov.cn/ztzl/xczx/t20250101_3.html", None, []),
    ]
    assert sections_of(pages) == [
        Section("通知公告", "/xwzx/tzgg/", 2),
        Section("统计信息", "/zwgk/tjxx/", 1),
        Section("/ztzl/xczx/", "/ztzl/xczx/", 1),
    ]


def test_channels_are_suggested_by_name_synonym_slug_and_likeness() -> None:
    sections = [
        Section("通知公告", "/xwzx/gsgg/", 120),
        Section("公示公告", "/xxgk/gsgg/", 40),
        Section("统计信息", "/zwgk/tjxx/", 30),
        Section("专项栏目", "/zwgk/czxx/", 12),
        Section("政策解读与回应", "/zcjd2/", 9),
        Section("乡村振兴", "/ztzl/xczx/", 5),
    ]
    found = {s.section.name: (s.channel.id if s.channel else None, s.rule, s.sure) for s in suggest(sections, CHANNELS)}
    assert found["通知公告"] == (2, "name", True)
    assert found["公示公告"] == (2, "synonym", True)
    assert found["统计信息"] == (6, "synonym", True)
    assert found["专项栏目"] == (7, "slug", True)  # czxx is 财政信息's slug
    assert found["政策解读与回应"][:2] == (5, "similar") and found["政策解读与回应"][2] is False  # to confirm
    assert found["乡村振兴"] == (None, "none", False)  # nothing like it: left for the operator


def test_legacy_keys_keep_query_strings_in_a_fixed_order_and_index_pages_have_aliases() -> None:
    assert legacy_key("http://old.feixi.gov.cn/content.jsp?id=12&cat=3#top") == "/content.jsp?cat=3&id=12"
    assert legacy_key("http://old.feixi.gov.cn") == "/" and legacy_key("xwzx/a.html") == "/xwzx/a.html"
    assert aliases("/xwzx/tzgg/index.html") == ["/xwzx/tzgg/index.html", "/xwzx/tzgg/", "/xwzx/tzgg"]
    assert aliases("/index.htm") == ["/index.htm", "/"] and aliases("/xwzx/") == ["/xwzx/", "/xwzx"]
    assert aliases("/content.jsp?id=12") == ["/content.jsp?id=12"]


def test_the_url_map_round_trips_as_csv_and_bad_lines_are_named() -> None:
    rows = [
        MapRow("/xwzx/tzgg/t20260301_1.html", "301", "/zwdt/tzgg/2026/03/01/123.html"),
        MapRow("/bbs/", "410", None),
    ]
    text = write_csv(rows)
    assert text.startswith("\ufeff旧地址,处理,新地址\r\n") and read_csv(text) == rows
    edited = "旧地址,处理,新地址\nhttp://old.feixi.gov.cn/content.jsp?id=7&c=1,301,https://www.feixi.gov.cn/zcjd/\n"
    edited += "//old.feixi.gov.cn/%E5%85%AC%E5%91%8A.html,410,\n//old.feixi.gov.cn/bbs/,,\n"  # the last: undecided
    assert read_csv(edited) == [  # a full URL keeps its host: a county's legacy sites may share paths
        MapRow("//old.feixi.gov.cn/content.jsp?c=1&id=7", "301", "https://www.feixi.gov.cn/zcjd/"),
        MapRow("//old.feixi.gov.cn/公告.html", "410", None),
    ]
    bad = "/a.html,302,/b.html\n,301,/c.html\n/d.html,301,\n/e.html,410,/f.html\n/g.html,410,\n"
    with pytest.raises(UrlMapError) as caught:
        read_csv(bad)
    message = str(caught.value)
    assert "第 1 行：处理应为 301 或 410，而不是“302”" in message and "第 2 行：旧地址为空" in message
    assert "第 3 行：301 须有新地址" in message and "第 4 行：410 不应有新地址" in message and "第 5 行" not in message
