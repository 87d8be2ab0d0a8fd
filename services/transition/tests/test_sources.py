"""The offline sources of a legacy site: a wget mirror on disk read back as its URLs, WordPress WXR streamed item
by item, and a CMS export in CSV (GBK, as Excel saves it), JSON or XML through a field mapping — each refusing
what it cannot read with a message naming the problem."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from services.transition.extract import extract_page
from services.transition.sources.exports import FieldMapping, MappingError, export_records
from services.transition.sources.mirror import MirrorError, mirror_pages
from services.transition.sources.wxr import WxrError, wxr_records

PAGES = Path(__file__).parent / "pages"
HOST = "www.feixi.gov.cn"


def test_a_wget_mirror_is_read_back_as_the_urls_it_was_served_at(tmp_path: Path) -> None:
    site = tmp_path / HOST
    (site / "xwzx" / "tzgg").mkdir(parents=True)
    (site / "index.html").write_text("<title>肥西县人民政府</title>", encoding="utf-8")
    (site / "xwzx" / "tzgg" / "t20260301_1.html").write_bytes((PAGES / "zj-fgw-article-with-meta.html").read_bytes())
    (site / "xwzx" / "tzgg" / "list.jsp?page=2").write_text("<ul></ul>", encoding="utf-8")
    (site / "xwzx" / "tzgg" / "申请表.docx").write_bytes(b"PK\x03\x04docx")
    (site / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    pages = list(mirror_pages(tmp_path))
    assert [(p.url, p.content_type) for p in pages] == [
        (f"http://{HOST}/index.html", "text/html"),
        (f"http://{HOST}/xwzx/tzgg/list.jsp?page=2", "text/html"),
        (f"http://{HOST}/xwzx/tzgg/t20260301_1.html", "text/html"),
        (f"http://{HOST}/xwzx/tzgg/%E7%94%B3%E8%AF%B7%E8%A1%A8.docx",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]  # fmt: skip
    article = extract_page(pages[2].url, pages[2].body, pages[2].content_type)
    assert article.title == "1-10月德清县固定资产投资结构趋稳趋优"
    web_root = list(mirror_pages(site, legacy_domain="old.feixi.gov.cn", scheme="https"))
    assert web_root[0].url == "https://old.feixi.gov.cn/index.html" and len(web_root) == 4
    with pytest.raises(MirrorError, match="--legacy-domain"):
        list(mirror_pages(site))
    with pytest.raises(MirrorError, match="不是目录"):
        list(mirror_pages(tmp_path / "missing"))


WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>肥西县文化和旅游局</title><wp:wxr_version>1.2</wp:wxr_version>
{items}
</channel></rss>"""
ITEM = """<item><title>{title}</title><link>https://wlj.feixi.gov.cn/?p={id}</link>
<pubDate>Mon, 02 Mar 2026 01:30:00 +0000</pubDate><dc:creator><![CDATA[县文旅局办公室]]></dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[摘要]]></excerpt:encoded>
<wp:post_id>{id}</wp:post_id><wp:post_date><![CDATA[2026-03-02 09:30:00]]></wp:post_date>
<wp:status><![CDATA[{status}]]></wp:status><wp:post_type><![CDATA[{kind}]]></wp:post_type>
<category domain="category" nicename="tzgg"><![CDATA[通知公告]]></category>
<category domain="post_tag" nicename="lvyou"><![CDATA[旅游]]></category>
<category domain="post_tag" nicename="sanhe"><![CDATA[三河古镇]]></category></item>"""


def test_wordpress_exports_give_published_posts_and_pages_and_count_the_rest(tmp_path: Path) -> None:
    body = '<p>三河古镇景区将于3月5日起恢复夜游，详见<a href="/wp-content/uploads/2026/03/公告.pdf">公告</a>。</p>'
    items = [
        ITEM.format(id=11, title="关于三河古镇景区恢复夜游的通知", body=body, status="publish", kind="post"),
        ITEM.format(id=12, title="草稿", body="<p>未完成</p>", status="draft", kind="post"),
        ITEM.format(id=13, title="机构职能", body="<p>负责全县文化和旅游工作。</p>", status="publish", kind="page"),
        ITEM.format(id=14, title="公告.pdf", body="", status="inherit", kind="attachment"),
        ITEM.format(id=15, title="首页", body="", status="publish", kind="nav_menu_item"),
    ]
    path = tmp_path / "wordpress.xml"
    path.write_text(WXR.format(items="\n".join(items)), encoding="utf-8")
    skipped: Counter = Counter()
    records = list(wxr_records(path, skipped))
    assert [r.title for r in records] == ["关于三河古镇景区恢复夜游的通知", "机构职能"]
    first = records[0]
    assert first.url == "https://wlj.feixi.gov.cn/?p=11" and first.body_html == body  # not the excerpt
    assert first.published_at == datetime(2026, 3, 2, 9, 30) and first.column == "通知公告"
    assert first.keywords == ["旅游", "三河古镇"] and first.author == "县文旅局办公室"
    assert skipped == Counter({"post:draft": 1, "attachment:inherit": 1, "nav_menu_item:publish": 1})
    broken = tmp_path / "broken.xml"
    broken.write_text("<rss><channel><item><title>未闭合", encoding="utf-8")
    with pytest.raises(WxrError, match="不是有效的 WordPress 导出文件"):
        list(wxr_records(broken))


MAPPING = {
    "format": "csv",
    "fields": {"url": "原文链接", "title": "标题", "body_html": "正文", "published_at": "发布时间", "column": "栏目",
               "document_number": "文号", "attachments": "附件"},
    "date_format": "%Y年%m月%d日",
}  # fmt: skip


def test_a_gbk_csv_export_through_its_mapping(tmp_path: Path) -> None:
    lines = [
        "原文链接,标题,正文,发布时间,栏目,文号,附件",
        'http://www.feixi.gov.cn/xxgk/1.html,肥西县人民政府关于印发2026年重点工作的通知,"<p>各乡镇人民政府，县政府各部门：</p>",'
        "2026年01月15日,政策文件,肥政〔2026〕3号,http://www.feixi.gov.cn/u/1.pdf;http://www.feixi.gov.cn/u/2.xlsx",
        "http://www.feixi.gov.cn/xxgk/2.html,肥西县2025年国民经济和社会发展统计公报,<p>全年地区生产总值……</p>,"
        "2026年03月20日,统计信息,,",
    ]
    path = tmp_path / "export.csv"
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    records = list(export_records(path, FieldMapping.of(MAPPING)))
    assert [r.title for r in records] == [
        "肥西县人民政府关于印发2026年重点工作的通知",
        "肥西县2025年国民经济和社会发展统计公报",
    ]
    assert records[0].published_at == datetime(2026, 1, 15) and records[0].column == "政策文件"
    assert records[0].disclosure == {"document_number": "肥政〔2026〕3号"} and records[1].disclosure == {}
    assert records[0].attachments == ["http://www.feixi.gov.cn/u/1.pdf", "http://www.feixi.gov.cn/u/2.xlsx"]
    bad_date = tmp_path / "bad.csv"
    bad_date.write_text(lines[0] + "\n" + lines[1].replace("2026年01月15日", "2026-01-15") + "\n", encoding="utf-8")
    with pytest.raises(MappingError, match="第 1 条记录的日期“2026-01-15”"):
        list(export_records(bad_date, FieldMapping.of(MAPPING)))


def test_json_and_xml_exports(tmp_path: Path) -> None:
    rows = [{"link": "http://wlj.feixi.gov.cn/a/1.html", "name": "文旅消费券发放公告", "html": "<p>第一批消费券</p>"}]
    (tmp_path / "export.json").write_text(json.dumps({"data": rows}, ensure_ascii=False), encoding="utf-8")
    fields = {"url": "link", "title": "name", "body_html": "html"}
    as_json = list(export_records(tmp_path / "export.json", FieldMapping.of({"format": "json", "fields": fields,
                                                                              "records": "data"})))  # fmt: skip
    assert as_json[0].title == "文旅消费券发放公告" and as_json[0].published_at is None
    xml = "<export><doc><link>http://wlj.feixi.gov.cn/a/2.html</link><name>景区名录</name><html>&lt;p&gt;名录&lt;/p&gt;</html>"
    (tmp_path / "export.xml").write_text(xml + "</doc></export>", encoding="utf-8")
    as_xml = list(export_records(tmp_path / "export.xml", FieldMapping.of({"format": "xml", "fields": fields,
                                                                           "records": "doc"})))  # fmt: skip
    assert as_xml[0].body_html == "<p>名录</p>"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"format": "xls", "fields": {}}, "format：应为 csv、json、xml 之一"),
        ({"format": "csv", "fields": {"url": "a", "title": "b"}}, "缺少必需的字段 body_html"),
        ({"format": "csv", "fields": {"url": "a", "title": "b", "body_html": "c", "栏目": "d"}}, "不认识的字段 栏目"),
        ({"format": "xml", "fields": {"url": "a", "title": "b", "body_html": "c"}}, "须指明一条记录的元素名"),
    ],
)
def test_a_mapping_that_cannot_work_names_its_problem(given: dict, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        FieldMapping.of(given)
