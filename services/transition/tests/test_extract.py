"""Reading legacy pages, on pages saved from real government sites (tests/pages, see its README): the national
meta tags, pages without them, a page that closes </html> twice, a page that lies about its encoding, the same
page in GBK (declared right, declared wrong, not declared), the 信息公开 table, lists told from articles, links
made absolute and sorted, and the operator's rules winning over everything."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from services.transition.extract import SiteRules, TextToGuess, decode_page, extract_page
from services.transition.extract.disclosure import read_disclosure
from services.transition.extract.links import body_links, is_file
from services.transition.extract.page import whole_document

PAGES = Path(__file__).parent / "pages"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def test_national_meta_tags_give_title_date_source_and_column() -> None:
    found = extract_page("http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html",
                         page("zj-fgw-article-with-meta.html"))  # fmt: skip
    assert found.kind == "article" and found.problems == []
    assert found.title == "1-10月德清县固定资产投资结构趋稳趋优"
    assert found.published_at == datetime(2016, 11, 22, 9, 53)
    assert (found.source, found.column) == ("省发改委", "投资运行")
    assert found.breadcrumbs == ["发展改革工作", "投资管理和项目推进", "投资运行"]
    assert found.found_by == "#zoom" and "全县固定资产投资完成246.79亿元" in found.body_html
    assert found.keywords == ["投资", "完成", "亿元"]


def test_a_provincial_portal_article_with_its_picture() -> None:
    url = "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_123456.shtml"
    found = extract_page(url, page("shanxi-gov-article-with-meta.html"))
    assert found.title == "山西品牌丝路行（南美站）正式启动" and found.source == "山西日报"
    assert found.published_at == datetime(2019, 9, 18, 6, 23) and found.column == "山西要闻"
    assert found.found_by == ".TRS_Editor" and "首次登陆巴西" in found.body_html
    assert [i.url for i in found.images] == ["http://www.shanxi.gov.cn/yw/sxyw/201909/W020190918234243033577.jpg"]
    assert "<script" not in found.body_html


def test_a_page_without_meta_tags_is_read_from_its_cms_container_and_labels() -> None:
    found = extract_page("http://www.cmse.gov.cn/xwzx/xwfbh/201206/t20120624_1.html",
                         page("cmse-press-release-without-meta.html"))  # fmt: skip
    assert found.title == "天宫一号与神舟九号载人交会对接任务第二场新闻发布会"
    assert found.published_at == datetime(2012, 6, 24) and found.found_by == ".TRS_Editor"
    assert found.breadcrumbs == ["专题报道", "新闻发布会"] and "中国载人航天工程新闻发言人" in found.body_html


def test_a_page_closed_twice_keeps_its_article_and_says_what_it_lacks() -> None:
    body = page("gov-cn-gazette-without-meta.html")
    assert body.count(b"</html>") == 2  # libxml2 puts what follows the first in a second top-level element
    found = extract_page("https://www.gov.cn/gongbao/content/2007/content_688024.htm", body)
    assert found.kind == "article" and found.found_by == "#UCAP-CONTENT"
    assert "批准发行15500亿元特别国债购买外汇" in found.body_html
    assert found.title.startswith("全国人民代表大会常务委员会关于批准财政部发行特别国债")
    assert found.published_at is None and found.problems == ["没有找到发布日期"]  # its date is the page's own


def test_a_page_that_says_gb2312_but_is_utf8_is_read_as_utf8() -> None:
    body = page("people-says-gb2312-is-utf8.html")
    assert b"charset=GB2312" in body
    decoded = decode_page(body)
    assert decoded.encoding == "utf-8" and decoded.declared == "gb2312" and not decoded.trusted_label
    found = extract_page("http://culture.people.com.cn/n1/2018/0723/c1013-30163626.html", body)
    assert found.title == "女儿出嫁，郑板桥画了几笔兰花当嫁妆" and "郑板桥" in decoded.text


@pytest.mark.parametrize(
    ("label", "header"),
    [("gb2312", None), ("utf-8", None), (None, None), ("utf-8", "text/html; charset=UTF-8")],
    ids=["declared-gb2312", "meta-says-utf8", "undeclared", "header-says-utf8"],
)
def test_the_same_page_in_gbk_reads_the_same_however_it_is_labelled(label: str | None, header: str | None) -> None:
    text = page("shanxi-gov-article-with-meta.html").decode("utf-8")
    relabelled = text.replace('charset="utf-8"', f'charset="{label}"' if label else "")
    gbk = relabelled.encode("gb18030")
    assert b"\xc9\xbd\xce\xf7" in gbk  # 山西 in GBK
    decoded = decode_page(gbk, header)
    assert decoded.text == relabelled and decoded.encoding == "gb18030"
    found = extract_page("http://www.shanxi.gov.cn/yw/sxyw/a.shtml", gbk, header)
    assert found.title == "山西品牌丝路行（南美站）正式启动" and "首次登陆巴西" in found.body_html


def test_a_gbk_only_character_in_a_page_labelled_gb2312() -> None:
    body = (
        '<meta charset="gb2312"><title>朱镕基同志讲话</title><div id="zoom"><p>朱镕基、王喆出席会议并讲话。</p></div>'
    )
    decoded = decode_page(body.encode("gbk"))  # 镕 and 喆 are GBK, not GB2312: gb2312's codec would fail
    assert decoded.text == body and decoded.encoding == "gb18030"


def test_the_disclosure_table_in_its_usual_layouts() -> None:
    table = """<html><body><table class="xxgk">
      <tr><td>索引号：</td><td>11340100MB1952105D/2026-00123</td><td>主题分类：</td><td>城乡建设、环境保护</td></tr>
      <tr><td>发布机构：</td><td>合肥市生态环境局</td><td>成文日期：</td><td>2026年03月02日</td></tr>
      <tr><td>发文字号：</td><td>合环〔2026〕15号</td><td>有效性：</td><td>有效</td></tr>
      <tr><td>发布日期：</td><td>2026-03-05</td><td>主题词：</td><td>环境 监测</td></tr>
    </table></body></html>"""
    found = read_disclosure(whole_document(_parsed(table)))
    assert found.values == {
        "index_number": "11340100MB1952105D/2026-00123", "topic_category": "城乡建设、环境保护",
        "issuing_body": "合肥市生态环境局", "written_on": "2026年03月02日", "document_number": "合环〔2026〕15号",
        "validity": "有效", "published": "2026-03-05", "subject_words": "环境 监测",
    }  # fmt: skip
    assert found.written_on.isoformat() == "2026-03-02" and found.subject_words == ["环境", "监测"]
    spans = """<div class="info"><span>索 引 号：000014349/2026-00012</span> <span>发文机关：安徽省人民政府办公厅</span>
      <p>文号：皖政办〔2026〕12号　成文日期：2026-01-15</p></div>"""
    inline = read_disclosure(_parsed(spans))
    assert inline.get("index_number") == "000014349/2026-00012" and inline.get("issuing_body") == "安徽省人民政府办公厅"
    assert inline.get("document_number") == "皖政办〔2026〕12号" and inline.get("written_on") == "2026-01-15"


def test_a_column_list_is_a_list_with_its_entries_and_an_article_stays_an_article() -> None:
    found = extract_page("https://sthjj.hefei.gov.cn/xwzx/tzgg/index.html", _column_list().encode())
    assert found.kind == "list" and len(found.entries) == 8 and found.breadcrumbs == ["新闻中心", "通知公告"]
    first = found.entries[0]
    assert first.url == "https://sthjj.hefei.gov.cn/xwzx/tzgg/202603/t20260301_1.html"
    assert first.title == "合肥市生态环境局关于第1批排污许可证核发情况的公告" and first.date == datetime(2026, 3, 1)
    article = page("shanxi-gov-article-with-meta.html")  # it has "相关阅读" lists too
    assert extract_page("http://www.shanxi.gov.cn/yw/a.shtml", article).kind == "article"


def test_a_paged_list_is_told_without_looking_for_its_text_and_gives_the_crawl_its_links(monkeypatch) -> None:
    """A list's page has no CMS container: finding its text would be trafilatura's (~12 ms), and is not needed."""

    def no_trafilatura(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("trafilatura asked for a list page")

    monkeypatch.setattr("services.transition.extract.content.trafilatura.extract", no_trafilatura)
    markup = _column_list().replace("</body>", '<a href="https://www.gov.cn/">中国政府网</a></body>')
    found = extract_page("https://sthjj.hefei.gov.cn/xwzx/tzgg/index.html", markup.encode())
    assert found.kind == "list" and found.outlinks[:3] == [
        "https://sthjj.hefei.gov.cn/", "https://sthjj.hefei.gov.cn/xwzx/", "https://sthjj.hefei.gov.cn/xwzx/tzgg/"
    ]  # fmt: skip
    assert found.outlinks[3:] == [e.url for e in found.entries] + ["https://sthjj.hefei.gov.cn/xwzx/tzgg/index_1.html"]


def test_a_page_without_rules_or_a_known_container_is_guessed_only_when_allowed() -> None:
    """The stager reads pages on the event loop and hands to a thread only those trafilatura must guess."""
    text = "".join(
        f"<p>第{n}段：县政府召开常务会议，研究部署防汛抗旱、安全生产和民生实事等重点工作。</p>" for n in range(6)
    )
    markup = f"<html><head><title>县政府常务会议</title></head><body><div class='main'>{text}</div></body></html>"
    with pytest.raises(TextToGuess):
        extract_page("http://www.feixi.gov.cn/a.html", markup.encode(), guess=False)
    found = extract_page("http://www.feixi.gov.cn/a.html", markup.encode())
    assert found.kind == "article" and found.found_by == "trafilatura" and "常务会议" in found.body_html


def _column_list() -> str:
    items = "".join(
        f'<li><a href="./202603/t2026030{d}_{d}.html" title="合肥市生态环境局关于第{d}批排污许可证核发情况的公告">'
        f"合肥市生态环境局关于第{d}批排污许可证…</a><span>2026-03-0{d}</span></li>"
        for d in range(1, 9)
    )
    return f"""<html><head><title>通知公告_合肥市生态环境局</title></head><body>
      <div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xwzx/">新闻中心</a> &gt;
        <a href="./">通知公告</a></div>
      <ul class="list">{items}</ul><div class="page">共 5 页 <a href="index_1.html">下一页</a></div></body></html>"""


def test_links_of_a_body_are_absolute_and_sorted_by_kind() -> None:
    body = """<p><a href="../../module/download/downfile.jsp?filename=a.pdf">下载</a>
      <a href="/attach/0/申请表.docx">申请表</a> <a href="t20260301_2.html#top">上一篇</a>
      <a href="https://www.gov.cn/zhengce/">中国政府网</a> <a href="javascript:print()">打印</a>
      <img src="W020260301.png" alt="现场照片"> <a href="/attach/0/申请表.docx">again</a></p>"""
    links = body_links(body, "https://sthjj.hefei.gov.cn/xwzx/tzgg/202603/t20260301_1.html")
    assert [(link.kind, link.url) for link in links] == [
        ("page", "https://sthjj.hefei.gov.cn/xwzx/module/download/downfile.jsp?filename=a.pdf"),
        ("attachment", "https://sthjj.hefei.gov.cn/attach/0/申请表.docx"),
        ("page", "https://sthjj.hefei.gov.cn/xwzx/tzgg/202603/t20260301_2.html"),
        ("external", "https://www.gov.cn/zhengce/"),
        ("image", "https://sthjj.hefei.gov.cn/xwzx/tzgg/202603/W020260301.png"),
    ]


def test_the_operators_rules_win() -> None:
    rules = SiteRules(title=".neiright_Title", body="#zoom", date=".xqLyPc.time", remove=["table"])
    markup = """<html><head><meta name="ArticleTitle" content="旧标题"><meta name="PubDate" content="2020-01-01">
      </head><body><h2 class="neiright_Title">生态环境部一周要闻</h2><span class="xqLyPc time">2022-04-17</span>
      <div id="zoom"><p>正文第一段，说明本周生态环境部的主要工作：部署大气污染防治、长江保护修复和黄河生态保护。</p>
      <table><tr><td>分享到</td></tr></table></div></body></html>"""
    found = extract_page("https://www.mee.gov.cn/ywdt/hjywnews/202204/t20220417_974894.shtml", markup.encode(), None,
                         rules)  # fmt: skip
    assert found.title == "生态环境部一周要闻" and found.published_at == datetime(2022, 4, 17)
    assert found.found_by == "rules" and "分享到" not in found.body_html and "主要工作" in found.body_html


def _parsed(markup: str):  # noqa: ANN202 - an lxml element
    from lxml.html import document_fromstring

    return document_fromstring(markup)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://sthjj.hefei.gov.cn/attach/0/通知.PDF?v=2#page=3", "attachment"),
        ("https://sthjj.hefei.gov.cn/attach/0/统计表.xlsx/", "attachment"),
        ("https://sthjj.hefei.gov.cn/attach/0/W0202603.JPG", "image"),
        ("https://sthjj.hefei.gov.cn/attach/.pdf", "page"),
        ("https://sthjj.hefei.gov.cn/xwzx/tzgg.", "page"),
        ("https://sthjj.hefei.gov.cn/zwgk.pdf/index.html", "page"),
        ("HTTPS://www.hefei.gov.cn:8443/zwgk/", "external"),
    ],
)
def test_a_link_is_told_by_its_last_names_suffix_whatever_its_case_query_or_host(url: str, kind: str) -> None:
    [link] = body_links(f'<a href="{url}">链接</a>', "https://sthjj.hefei.gov.cn/xwzx/tzgg/202603/t20260301_1.html")
    assert link.kind == kind and is_file(link.url) == (kind in ("attachment", "image"))


def test_a_page_without_any_disclosure_label_has_no_disclosure_and_one_spaced_out_label_is_still_read() -> None:
    article = (
        "<html><body><div class='TRS_Editor'><p>肥西县第1号文件的具体要求如下：压实工作责任。</p></div></body></html>"
    )
    assert read_disclosure(_parsed(article)).values == {}
    spaced = "<html><body><p>索\n  引\n号：000014349/2026-00012</p><p>正文</p></body></html>"
    assert read_disclosure(_parsed(spaced)).get("index_number") == "000014349/2026-00012"
