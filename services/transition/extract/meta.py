"""The meta tags the national rules for government websites (《政府网站发展指引》, GB/T 33476 and the 政府网站
集约化 specifications) ask every article page to carry: SiteName, SiteDomain, SiteIDCode, ColumnName,
ColumnType, ArticleTitle, PubDate, ContentSource, Keywords, Author, Description, Image, Url. Many CMSes write
them in other cases (contentSource, pubdate) or as http-equiv; they are matched case aside, the first non-empty
one of a name winning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lxml.html import HtmlElement

NAMES = {
    "sitename": "site_name",
    "sitedomain": "site_domain",
    "siteidcode": "site_code",
    "columnname": "column",
    "columntype": "column_type",
    "articletitle": "title",
    "pubdate": "published",
    "contentsource": "source",
    "keywords": "keywords",
    "author": "author",
    "description": "description",
    "url": "url",
}
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?:\s*日)?"
    r"(?:[\sT]+(?P<H>\d{1,2})[:：时](?P<M>\d{2})(?:[:：分](?P<S>\d{2}))?)?"
)


@dataclass(frozen=True, slots=True)
class PageMeta:
    values: dict[str, str]  # our field name → the tag's text, stripped

    def get(self, field: str) -> str | None:
        return self.values.get(field) or None

    @property
    def published(self) -> datetime | None:
        return parse_moment(self.values.get("published", ""))

    @property
    def keywords(self) -> list[str]:
        text = self.values.get("keywords", "")
        return [word for word in re.split(r"[\s,，;；、]+", text) if word]


def read_meta(root: HtmlElement) -> PageMeta:
    found: dict[str, str] = {}
    for tag in root.iter("meta"):
        name = (tag.get("name") or tag.get("http-equiv") or "").strip().lower()
        field = NAMES.get(name)
        value = " ".join((tag.get("content") or "").split())
        if field and value and field not in found:
            found[field] = value
    return PageMeta(found)


def parse_moment(text: str) -> datetime | None:
    """'2016-11-22 09:53', '2019年09月18日', '2022/4/17 14:46:00' → a naive datetime (Beijing time); else None."""
    match = _DATE.search(text or "")
    if not match:
        return None
    parts = [int(match[k]) if match[k] else 0 for k in ("y", "m", "d", "H", "M", "S")]
    try:
        return datetime(*parts)
    except ValueError:
        return None
