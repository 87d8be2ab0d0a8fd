"""What every source of a legacy site gives the migration: pages as the site served them (a crawl, a mirror on
disk), to be read by services.transition.extract, or records already in fields (a CMS export, WordPress WXR)."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from urllib.parse import urlsplit

HTML_TYPES = ("text/html", "application/xhtml+xml")
PAGE_SUFFIXES = frozenset(
    {".html", ".htm", ".shtml", ".jsp", ".jspx", ".php", ".asp", ".aspx", ".do", ".action", ".cgi"}
)


@dataclass(frozen=True, slots=True)
class Fetched:
    """One URL of the legacy site and what it answered."""

    url: str
    status: int
    body: bytes
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None  # where a redirect pointed
    error: str | None = None  # why there is no answer (status 0): refused by robots.txt, unreachable after retries

    @classmethod
    def failed(cls, url: str, error: str) -> Fetched:
        return cls(url, 0, b"", error=error)

    @property
    def is_html(self) -> bool:
        if self.content_type:
            return self.content_type.split(";")[0].strip().lower() in HTML_TYPES
        return guess_type(self.url) in HTML_TYPES


@dataclass
class Record:
    """A document a structured export already describes field by field (no page to read)."""

    url: str
    title: str
    body_html: str
    published_at: datetime | None = None
    column: str | None = None
    source: str | None = None
    author: str | None = None
    keywords: list[str] = field(default_factory=list)
    disclosure: dict[str, str] = field(default_factory=dict)
    attachments: list[str] = field(default_factory=list)  # absolute URLs of its files


def guess_type(url: str) -> str:
    """A URL's media type by its name; a directory or an extensionless path is a page."""
    path = urlsplit(url).path
    if PurePosixPath(path).suffix.lower() in PAGE_SUFFIXES or not PurePosixPath(path).suffix:
        return "text/html"  # server-side pages (.jsp, .do, .aspx…) answered HTML
    return mimetypes.guess_type(path)[0] or "application/octet-stream"
