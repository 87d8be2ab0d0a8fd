"""What a legacy body points at: attachments (files the site served: 公告's PDF, the 申请表 .doc), images, and
links to other pages — each as an absolute URL, so the migration can fetch the files into the blob store and
rewrite every link to where it lands on the platform (or report it as one that did not come along)."""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml.html import HtmlElement, fragment_fromstring

DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".ofd", ".txt", ".ppt", ".pptx", ".dps")  # 公文, forms (WPS, OFD)
TABLE_SUFFIXES = (".xls", ".xlsx", ".et", ".csv")
ARCHIVE_AND_MEDIA_SUFFIXES = (".zip", ".rar", ".7z", ".tar", ".gz", ".mp4", ".mp3")
ATTACHMENT_SUFFIXES = frozenset(DOCUMENT_SUFFIXES + TABLE_SUFFIXES + ARCHIVE_AND_MEDIA_SUFFIXES)
IMAGE_SUFFIXES = frozenset([".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg"])
NOT_PAGES = ("javascript:", "mailto:", "tel:", "#", "data:")


@dataclass(frozen=True, slots=True)
class Link:
    url: str  # absolute, without its #fragment
    text: str
    kind: str  # attachment | image | page | external


def body_links(body_html: str, page_url: str) -> list[Link]:
    """Every link and image of a body, in order, once each."""
    if not body_html.strip():
        return []
    return links_in(fragment_fromstring(body_html, create_parent="div"), page_url)


def links_in(container: HtmlElement, page_url: str) -> list[Link]:
    """body_links of a body already parsed (the extraction's cleaned copy of it)."""
    seen: dict[str, Link] = {}
    for element in container.iter("a", "img"):
        raw = (element.get("href") if element.tag == "a" else element.get("src")) or ""
        url = absolute(raw, page_url)
        if url is None or url in seen:
            continue
        text = " ".join(element.text_content().split()) if element.tag == "a" else element.get("alt") or ""
        seen[url] = Link(url, text, "image" if element.tag == "img" else kind_of(url, page_url))
    return list(seen.values())


def absolute(raw: str, page_url: str) -> str | None:
    raw = raw.strip()
    if not raw or raw.lower().startswith(NOT_PAGES):
        return None
    rooted = raw.startswith("/") and not raw.startswith("//")  # the same URL from every page of the site
    return _joined(_origin(page_url) if rooted else page_url, raw)


# A site's pages link to the same places (its menus, its columns, the pager) by the same root-relative paths: joined
# once each, not once per page — joining them was ~7 % of a crawl's CPU.
@functools.lru_cache(maxsize=8192)
def _joined(base: str, raw: str) -> str | None:
    url = urldefrag(urljoin(base, raw)).url
    return url if urlsplit(url).scheme in ("http", "https") else None


def _origin(page_url: str) -> str:
    """scheme://netloc of an absolute URL, as urlsplit reads them (cut out, not cached: every page's URL differs)."""
    scheme, separator, rest = page_url.partition("://")
    for end in "/?#":
        rest = rest.split(end, 1)[0]
    return f"{scheme.lower()}{separator}{rest}"


@functools.lru_cache(maxsize=8192)
def _host(url: str) -> str | None:
    return urlsplit(url).hostname


def kind_of(url: str, page_url: str) -> str:
    suffix = _suffix(url)
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in ATTACHMENT_SUFFIXES:
        return "attachment"
    return "page" if same_site(url, page_url) else "external"


def same_site(url: str, page_url: str) -> bool:
    return _host(url) == _host(page_url)


def page_links(root: HtmlElement, page_url: str) -> list[str]:
    """Every same-site page a page links to (a crawl's frontier), in order, once each."""
    found: dict[str, None] = {}
    for element in root.iter("a"):
        url = absolute(element.get("href") or "", page_url)
        if url and same_site(url, page_url):
            found.setdefault(url, None)
    return list(found)


@functools.lru_cache(maxsize=8192)
def _suffix(url: str) -> str:
    """ ".pdf" of …/a.PDF?x=1: the last name's suffix (as PurePosixPath's, a tenth of the cost), lower-cased."""
    suffix = posixpath.splitext(urlsplit(url).path.rstrip("/"))[1].lower()
    return "" if suffix == "." else suffix


def is_file(url: str) -> bool:
    """An attachment or an image by its name: copied into the blob store, not read as a page."""
    suffix = _suffix(url)
    return suffix in ATTACHMENT_SUFFIXES or suffix in IMAGE_SUFFIXES
