"""List pages (a column's 通知公告 page 1…N) told from articles: they are mapped to a channel, never imported as
documents, and their entries (title, link, date) say which articles belong to that channel.

A list is a run of sibling items — <li> or <tr> — each holding one link with a headline-long text and a date
beside it; pages of a list say so too (下一页, 尾页, 共 N 页, or the TRS pager's createPageHTML). An article
page may show a short "相关文章" list under its text; it stays an article because its own text is long.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lxml.html import HtmlElement

from services.transition.extract.links import absolute
from services.transition.extract.meta import parse_moment

MIN_ENTRIES = 6
MIN_PAGED_ENTRIES = 2
HEADLINE_CHARS = 5
_PAGER = re.compile(r"下一页|尾页|末页|共\s*\d+\s*页|createPageHTML|第\s*\d+\s*页")


@dataclass(frozen=True, slots=True)
class Entry:
    title: str
    url: str
    date: datetime | None


def list_entries(root: HtmlElement, page_url: str) -> list[Entry]:
    """The longest run of dated, linked items under one parent (the list), in page order."""
    by_parent: dict[HtmlElement, list[Entry]] = {}
    for item in root.iter("li", "tr"):
        entry = _entry(item, page_url)
        if entry is not None:
            by_parent.setdefault(item.getparent(), []).append(entry)
    if not by_parent:
        return []
    return max(by_parent.values(), key=len)


def looks_like_list(root: HtmlElement, entries: list[Entry], article_chars: Callable[[], int]) -> bool:
    """Dated entries, more of them than article text; a pager (下一页, 共 N 页) is enough with six entries, and
    lets a list's last page hold only a few. The article text is measured only if the rest does not decide: a
    list's page has no CMS container, so finding its text is trafilatura's (~12 ms a page)."""
    pager = bool(_PAGER.search(" ".join(root.text_content().split())[-4000:]))
    if pager and len(entries) >= MIN_ENTRIES:
        return True
    if len(entries) < (MIN_PAGED_ENTRIES if pager else MIN_ENTRIES):
        return False
    return article_chars() < 2 * sum(len(e.title) for e in entries)


def _entry(item: HtmlElement, page_url: str) -> Entry | None:
    links = [a for a in item.iter("a") if len((a.get("title") or a.text_content()).strip()) >= HEADLINE_CHARS]
    if len(links) != 1:
        return None
    date = parse_moment(item.text_content())
    url = absolute(links[0].get("href") or "", page_url)
    if date is None or url is None:
        return None
    title = " ".join((links[0].get("title") or links[0].text_content()).split())
    return Entry(title, url, date)


def common_prefix_path(urls: list[str]) -> str:
    """The directory most entries live under (/col/col1234/, /xwzx/tzgg/): a column's path on the old site."""
    directories = Counter(url.rsplit("/", 1)[0] + "/" for url in urls)
    return directories.most_common(1)[0][0] if directories else ""
