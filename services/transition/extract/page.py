"""One legacy page, read whole: decoded, then told an article, a list or neither, and for an article its title,
date, source, column, breadcrumbs, 信息公开 fields, main text and the files and pages that text points at.

Each fact is taken from the most reliable place that has it: the operator's rules for the site, then the national
meta tags, then the disclosure table, then the page's own labelled text ("发布时间：", "来源："), then its <title>.
What could not be found is listed in `problems`, so the dry run reports it instead of importing a page without a
date as if it were dated today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Literal

from lxml import etree
from lxml.html import HtmlElement

from services.transition.extract.content import MainText, SiteRules, main_text, select_text
from services.transition.extract.decoding import decode_page
from services.transition.extract.disclosure import read_disclosure
from services.transition.extract.links import Link, body_links, links_in, page_links
from services.transition.extract.listing import Entry, list_entries, looks_like_list
from services.transition.extract.meta import parse_moment, read_meta
from services.transition.extract.parsing import parse_document

PageKind = Literal["article", "list", "other"]
MIN_ARTICLE_CHARS = 30
_TITLE_SEPARATORS = re.compile(r"\s*(?:__?|\s-\s|\s—\s|——|\||｜)\s*")
_DATE_LABEL = re.compile(r"(?:发布时间|发布日期|发表时间|日期|时间)\s*[:：]\s*([0-9０-９年月日/.\-\s:：]{8,24})")
_SOURCE_LABEL = re.compile(r"(?:来源|信息来源|文章来源)\s*[:：]\s*([^\s|｜]{2,40})")
_CRUMB_HINT = re.compile(r"crumb|position|location|dqwz|curpos|bread|path", re.I)


@dataclass
class ExtractedPage:
    url: str
    kind: PageKind
    encoding: str
    encoding_as_declared: bool
    title: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    column: str | None = None
    breadcrumbs: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    body_html: str = ""
    body_element: HtmlElement | None = field(default=None, compare=False, repr=False)  # body_html's, not parsed again
    found_by: str | None = None
    disclosure: dict[str, str] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    outlinks: list[str] = field(default_factory=list)  # every same-site page it links to: the crawl's next ones
    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def attachments(self) -> list[Link]:
        return [link for link in self.links if link.kind == "attachment"]

    @property
    def images(self) -> list[Link]:
        return [link for link in self.links if link.kind == "image"]


def extract_page(
    url: str, body: bytes, content_type: str | None = None, rules: SiteRules | None = None, *, guess: bool = True
) -> ExtractedPage:
    """`guess=False`: TextToGuess is raised rather than trafilatura run (content.py), for a caller on the loop."""
    decoded = decode_page(body, content_type)
    root = whole_document(parse_document(decoded.text or "<html></html>"))
    page = ExtractedPage(url, "other", decoded.encoding, decoded.trusted_label, outlinks=page_links(root, url))
    etree.strip_elements(root, "script", "style", "noscript", etree.Comment, with_tail=False)
    found = cache(lambda: main_text(root, rules, decoded.text, guess))  # only if the page may be an article
    entries = list_entries(root, url)
    if looks_like_list(root, entries, lambda: _chars(found())):
        page.kind, page.entries = "list", entries
        page.title, page.breadcrumbs = _title(root, None, rules), breadcrumbs(root)
        return page
    text = found()
    if text is None or _chars(text) < MIN_ARTICLE_CHARS:
        page.problems.append("没有找到正文")
        page.title = _title(root, None, rules)
        return page
    _describe(page, root, text, rules)
    return page


def whole_document(root: HtmlElement) -> HtmlElement:
    """One <html> holding the whole page: after a stray </html> (templates that close the page twice) libxml2
    starts a second top-level element, and everything in it — often the article — would be out of reach."""
    body = root.find("body")
    for stray in list(root.itersiblings()):
        if not isinstance(stray.tag, str):
            continue
        if body is None:
            body = etree.SubElement(root, "body")
        parts = stray.find("body")
        for child in list(parts if parts is not None else stray):
            body.append(child)
    return root


def _describe(page: ExtractedPage, root: HtmlElement, text: MainText, rules: SiteRules | None) -> None:
    meta = read_meta(root)
    disclosure = read_disclosure(root)
    page.kind, page.body_html, page.body_element, page.found_by = "article", text.html, text.element, text.found_by
    page.title = _title(root, meta.get("title"), rules)
    page.published_at = (
        parse_moment(select_text(root, rules.date if rules else None) or "")
        or meta.published
        or parse_moment(disclosure.get("published") or "")
        or _labelled_date(root)
    )
    page.source = select_text(root, rules.source if rules else None) or meta.get("source") or _labelled_source(root)
    page.breadcrumbs = breadcrumbs(root)
    page.column = meta.get("column") or (page.breadcrumbs[-1] if page.breadcrumbs else None)
    page.keywords = meta.keywords
    page.disclosure = disclosure.values
    page.links = links_in(text.element, page.url) if text.element is not None else body_links(text.html, page.url)
    if not page.title:
        page.problems.append("没有找到标题")
    if page.published_at is None:
        page.problems.append("没有找到发布日期")


def _title(root: HtmlElement, from_meta: str | None, rules: SiteRules | None) -> str | None:
    chosen = select_text(root, rules.title if rules else None) or from_meta
    if not chosen:
        heading = next((h for h in root.iter("h1") if len(h.text_content().strip()) >= 4), None)
        chosen = heading.text_content() if heading is not None else None
    if not chosen:
        found = root.find(".//title")
        whole = found.text_content() if found is not None else ""
        chosen = _TITLE_SEPARATORS.split(whole.strip())[0] if whole.strip() else None
    return " ".join(chosen.split()) if chosen else None


def breadcrumbs(root: HtmlElement) -> list[str]:
    """当前位置：首页 > 要闻动态 > 环境要闻 → ["要闻动态", "环境要闻"] (the home page left out)."""
    for element in root.iter("div", "p", "span", "td", "nav", "ol", "ul"):
        hint = f"{element.get('class') or ''} {element.get('id') or ''}"
        own = (element.text or "")[:20]
        if not (_CRUMB_HINT.search(hint) or "当前位置" in own or "您的位置" in own):
            continue
        names = [" ".join(a.text_content().split()) for a in element.iter("a")]
        names = [n for n in names if n and n not in ("首页", "网站首页", "主页")]
        if 0 < len(names) <= 6:
            return names
    return []


def _labelled_date(root: HtmlElement) -> datetime | None:
    match = _DATE_LABEL.search(" ".join(root.text_content().split()))
    return parse_moment(match[1]) if match else None


def _labelled_source(root: HtmlElement) -> str | None:
    match = _SOURCE_LABEL.search(" ".join(root.text_content().split()))
    return match[1] if match else None


def _chars(text: MainText | None) -> int:
    return len(_plain(text.html)) if text else 0


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>|\s+", "", html)
