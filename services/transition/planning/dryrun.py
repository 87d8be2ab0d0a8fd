"""A dry run: every page or record of a legacy site read, sorted into documents, lists and the rest, each
document given its channel by the plan's section mapping — and nothing written anywhere. What it finds is the
report the operator reads before an import (services.transition.planning.report).

Pages come from any source (a crawl hands them over as it fetches, a mirror as it reads the disk); records from
exports arrive already in fields. Links are checked at the end against everything the run saw, so a link to a
legacy page that is neither a document nor a file of the site is reported once, with how many bodies use it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from services.transition.extract import ExtractedPage, SiteRules, UndecodablePage, extract_page
from services.transition.planning.report import DryRunReport, Sample
from services.transition.sources.base import Fetched, Record

UNMAPPED = None


@dataclass
class DryRun:
    """Fed page by page (`page`, `record`), then `finish()`ed; `mapping` is section name → channel name."""

    mapping: Mapping[str, str]
    rules: SiteRules | None = None
    report: DryRunReport = field(default_factory=DryRunReport)
    _seen: set[str] = field(default_factory=set)
    _linked: Counter = field(default_factory=Counter)

    def page(self, fetched: Fetched) -> ExtractedPage | None:
        self._seen.add(fetched.url)
        if fetched.status != 200 or not fetched.is_html:
            return None  # a file: counted where a body links it
        try:
            found = extract_page(fetched.url, fetched.body, fetched.content_type, self.rules)
        except UndecodablePage as exc:
            self.report.failure(str(exc), fetched.url)
            return None
        if found.kind == "list":
            self.report.lists += 1
        elif found.kind == "other":
            self.report.others += 1
            self.report.failure("既不是文章也不是列表（首页、导航页，或正文无法识别：请设置正文规则）", fetched.url)
        else:
            self._document(found)
        return found

    def record(self, record: Record) -> None:
        self._seen.add(record.url)
        sample = Sample(record.url, record.title, record.published_at.date().isoformat() if record.published_at else "")
        channel = self.mapping.get(record.column or "", UNMAPPED)
        self.report.document(channel, sample, record.body_html, len(record.attachments))

    def finish(self) -> DryRunReport:
        """Links to legacy pages nothing in the run is: reported, most used first."""
        self.report.missing({url: uses for url, uses in self._linked.items() if url not in self._seen})
        return self.report

    def _document(self, found: ExtractedPage) -> None:
        published = found.published_at.date().isoformat() if found.published_at else ""
        if not found.published_at:
            self.report.failure("没有找到发布日期（将以导入时间发布，或请设置日期规则）", found.url)
        section = found.column or (found.breadcrumbs[-1] if found.breadcrumbs else "")
        channel = self.mapping.get(section, UNMAPPED)
        counted = self.report.document(
            channel, Sample(found.url, found.title or "", published), found.body_html, len(found.attachments)
        )
        if counted:
            host = urlsplit(found.url).hostname
            self._linked.update(
                link.url for link in found.links if link.kind in ("page", "attachment", "image")
                and urlsplit(link.url).hostname == host
            )  # fmt: skip


def run_pages(pages: Iterable[Fetched], mapping: Mapping[str, str], rules: SiteRules | None = None) -> DryRunReport:
    """A dry run over pages already at hand (a mirror, or a crawl's results)."""
    run = DryRun(mapping, rules)
    for fetched in pages:
        run.page(fetched)
    return run.finish()
