"""Bodies' links pointed at the platform (legacy pages to the documents they became, legacy files to their copies,
unmapped legacy pages reported, other sites untouched), and the dry run's report: counts per channel with
samples, failures with examples, duplicates found whatever their markup."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from services.transition.extract import extract_page
from services.transition.planning.report import DryRunReport, Sample
from services.transition.planning.rewrite import rewrite_links
from services.transition.planning.urlmap import legacy_key
from services.transition.tests.legacy_site import Visits, answer, article_path

PAGE = "http://old.feixi.gov.cn/xwzx/tzgg/202603/t20260301_1.html"
MOVED = {
    ("old.feixi.gov.cn", "/xwzx/tzgg/202603/t20260302_2.html"): "/zwdt/tzgg/202603/t20260302_102.html",
    ("old.feixi.gov.cn", "/u/1.pdf"): "/files/feixi/8f3a/申请表.pdf",
    ("wlj.feixi.gov.cn", "/content.jsp?id=7"): "/zwdt/bmdt/202603/t20260305_207.html",
}


def test_links_are_pointed_at_the_platform_and_the_rest_reported() -> None:
    body = (
        '<p>详见<a href="t20260302_2.html">第二批名单</a>和<a href="/u/1.pdf">申请表</a>，'
        '文旅局<a href="http://wlj.feixi.gov.cn/content.jsp?id=7">通知</a>，'
        '<a href="/xxgk/old.html">旧文件</a><a href="/xxgk/old.html">（再次）</a>，'
        '<a href="https://www.gov.cn/zhengce/">国务院文件</a><img src="../../images/logo.png"></p>'
    )
    result = rewrite_links(body, PAGE, {"old.feixi.gov.cn", "wlj.feixi.gov.cn"}, lambda h, k: MOVED.get((h, k)))
    assert (
        'href="/zwdt/tzgg/202603/t20260302_102.html"' in result.html
        and 'href="/files/feixi/8f3a/%E7%94%B3%E8%AF%B7%E8%A1%A8.pdf"' in result.html  # 申请表, as URLs write it
    )
    assert 'href="/zwdt/bmdt/202603/t20260305_207.html"' in result.html  # another legacy site of the same plan
    assert 'href="https://www.gov.cn/zhengce/"' in result.html and result.changed == 3
    assert result.missing == ["http://old.feixi.gov.cn/xxgk/old.html", "http://old.feixi.gov.cn/xwzx/images/logo.png"]


def test_the_dry_run_report_counts_samples_failures_and_duplicates() -> None:
    report = DryRunReport()
    body = "<p>各乡镇人民政府：</p><p>现将有关事项通知如下。</p>"
    for n in range(7):
        sample = Sample(f"http://old.feixi.gov.cn/xwzx/tzgg/t{n}.html", f"关于第{n}批项目的通知", "2026-03-01")
        assert report.document("通知公告", sample, body.replace("事项", f"第{n}批事项"), attachments=n % 2)
    again = Sample("http://old.feixi.gov.cn/zwgk/tzgg/t0.html", "关于第0批项目的通知", "2026-03-01")
    spaced = "<div>\n<p>各乡镇人民政府：</p>\n  <p>现将有关第0批事项通知如下。</p></div>"
    assert not report.document("通知公告", again, spaced, attachments=0)  # the same notice in a second column
    report.document(None, Sample("http://old.feixi.gov.cn/ztzl/a.html", "乡村振兴专题", ""), "<p>专题内容</p>", 0)
    for n in range(6):
        report.failure("没有找到正文", f"http://old.feixi.gov.cn/flash/{n}.html")
    report.missing(["http://old.feixi.gov.cn/xxgk/old.html", "http://old.feixi.gov.cn/xxgk/old.html"])
    summary = report.summary()
    assert summary["documents"] == 8 and summary["attachments"] == 3
    assert [(c["channel"], c["documents"], len(c["samples"])) for c in summary["by_channel"]] == [
        ("通知公告", 7, 5),
        ("未映射", 1, 1),
    ]
    assert summary["failures"] == [
        {"reason": "没有找到正文", "pages": 6, "samples": [f"http://old.feixi.gov.cn/flash/{n}.html" for n in range(5)]}
    ]
    assert summary["duplicates"] == [
        {"legacy_url": again.legacy_url, "same_as": "http://old.feixi.gov.cn/xwzx/tzgg/t0.html"}
    ]
    assert summary["missing_links"] == [{"legacy_url": "http://old.feixi.gov.cn/xxgk/old.html", "linked_from": 2}]


def test_links_rewritten_on_the_extracted_element_read_as_through_the_body_parsed_again() -> None:
    """The stager rewrites the element the extraction wrote the body from; parsed again, the body gives the same."""
    pages = [
        (f"http://www.example.gov.cn/{p.name}", p.read_bytes())
        for p in (Path(__file__).parent / "pages").glob("*.html")
    ]
    for number in (0, 7, 10):  # with an attachment, without
        path = article_path(number)
        pages.append((f"http://old.feixi.gov.cn{path}", answer(path, None, 20, Visits()).body))
    hosts = {"old.feixi.gov.cn", "www.example.gov.cn"}
    for url, body in pages:
        page = extract_page(url, body)
        if not page.body_html:
            continue
        moved = {legacy_key(link.url): f"/moved/{n}.html" for n, link in enumerate(page.links) if n % 2 == 0}
        address = partial(_moved, moved)
        again = rewrite_links(page.body_html, url, hosts, address)
        in_place = rewrite_links(page.body_html, url, hosts, address, page.body_element)
        assert in_place == again, url
        assert page.links == [] or again.changed or again.missing, url


def _moved(moved: dict[str, str], _host: str, key: str) -> str | None:
    return moved.get(key)
