"""Dry runs over a whole legacy site, crawled on loopback and read back from a mirror on disk: every article
counted in its channel, lists and files recognised, a link to a page that is gone reported, nothing written."""

from __future__ import annotations

from pathlib import Path

import httpx

from services.transition.planning.dryrun import DryRun, run_pages
from services.transition.sources.base import Fetched
from services.transition.sources.crawl import Crawler, CrawlPolicy, MemoryFrontier
from services.transition.sources.http11 import Http11Transport
from services.transition.sources.mirror import mirror_pages
from services.transition.tests.legacy_site import article_day, article_path, article_title, legacy_site
from shared.testing import serve_on_port

ARTICLES = 45


async def test_a_dry_run_of_a_crawled_site() -> None:
    app, _ = legacy_site(ARTICLES)
    run = DryRun({"通知公告": "通知公告"})
    with serve_on_port(app) as base:
        async with Http11Transport() as transport:
            crawler = Crawler(transport, MemoryFrontier(), CrawlPolicy(hosts=frozenset({"127.0.0.1"}), per_second=0))

            async def seen(fetched: Fetched) -> None:
                run.page(fetched)

            await crawler.run([f"{base}/"], seen)
    summary = run.finish().summary()
    assert summary["documents"] == ARTICLES and summary["by_channel"][0]["channel"] == "通知公告"
    assert summary["lists"] == 3 and summary["attachments"] == 5 and summary["duplicate_count"] == 0
    assert [(f["pages"], f["samples"]) for f in summary["failures"]] == [(1, [f"{base}/"])]  # the home page
    assert summary["missing_links"] == []
    articles = {article_title(n): f"{article_day(n):%Y-%m-%d}" for n in range(ARTICLES)}
    samples = summary["by_channel"][0]["samples"]  # the first read: the crawl's workers finish in any order
    assert samples and all(articles[s["title"]] == s["published"] for s in samples)


def test_a_dry_run_of_a_mirror_reports_what_did_not_come_along(tmp_path: Path) -> None:
    app, _ = legacy_site(12)
    site = tmp_path / "www.feixi.gov.cn"
    with serve_on_port(app) as base, httpx.Client(base_url=base) as client:
        for n in range(12):
            if n == 7:
                continue  # not in the mirror: the list still links it
            target = site / article_path(n).lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(client.get(article_path(n)).content)
        (site / "xwzx" / "tzgg" / "index.html").write_bytes(client.get("/xwzx/tzgg/index.html").content)
    report = run_pages(mirror_pages(tmp_path), mapping={})
    summary = report.summary()
    assert summary["documents"] == 11 and summary["by_channel"][0]["channel"] == "未映射"
    assert summary["lists"] == 1
    missing = {m["legacy_url"] for m in summary["missing_links"]}
    assert "http://www.feixi.gov.cn/u/0.pdf" in missing and "http://www.feixi.gov.cn/u/10.pdf" in missing
