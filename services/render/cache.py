"""Rendered pages kept in memory per (site, path, variant), dropped exactly when an event touches them.

Each page lists the tags it was built from (`doc:42`, `list:hefei:zwdt/tzgg`, `home:hefei` …); an event
names the tags it changes and only those pages go. Keys always start with the site (house rule 5).

A page built while an event changed what it read must not be kept: the event's invalidation found nothing to
drop (the page was not in the cache yet), so the stale page would stay until the next change. `Freshness`
remembers which tags were invalidated while builds were running, and `put` refuses a page that read one.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from shared.page_headers import page_headers
from shared.tenancy import site_cache_key


def site_tag(site_id: str) -> str:
    """Every page of a site shows its header, navigation and footer."""
    return f"site:{site_id}"


def list_tag(site_id: str, channel_path: str) -> str:
    """The tag of one channel's own pages (list pages, RSS, single page)."""
    return f"list:{site_id}:{channel_path}"


def list_tags(site_id: str, channel_path: str) -> set[str]:
    """What a document in a channel changes: that channel's pages and those of every channel above it
    (they list their children's documents)."""
    parts = channel_path.split("/")
    return {list_tag(site_id, "/".join(parts[:n])) for n in range(1, len(parts) + 1)}


def site_of(tag: str) -> str | None:
    """The site whose whole look a tag names (a site tag), else None: its frame goes with its pages."""
    return tag.removeprefix("site:") if tag.startswith("site:") else None


SITE_GROUP_TAG = "sites"  # pages that list the group's sites (网站群导航): any site's change reaches them


def redirects_tag(site_id: str) -> str:
    """Answers the redirect table decides: its 301s and 410s, and the 404s it may turn into them."""
    return f"redirects:{site_id}"


def entries_tag(site_id: str) -> str:
    """Pages made of the newest documents of the whole site: home, sitemap.xml, the disclosure catalogue."""
    return f"entries:{site_id}"


@dataclass(slots=True)
class Page:
    """A finished response: status, body and the raw ASGI headers, computed once when first sent (the mirror writes
    a page's body and never sends it: no ETag, dates or CSP to compute for it)."""

    status: int
    body: bytes
    content_type: str
    tags: frozenset[str] = frozenset()
    cache_control: str = "no-store"
    location: str | None = None
    built_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    styles: tuple[str, ...] = ()  # the page's inline <style> texts: the only ones its CSP lets run
    _etag: str | None = field(default=None, init=False, repr=False)
    _headers: list[tuple[bytes, bytes]] | None = field(default=None, init=False, repr=False)

    @property
    def etag(self) -> str:
        if self._etag is None:
            self._etag = '"' + hashlib.blake2b(self.body, digest_size=12).hexdigest() + '"'
        return self._etag

    @property
    def headers(self) -> list[tuple[bytes, bytes]]:
        """Computed once; a page's own additions (`x-robots-tag`, a cookie) are appended to this list."""
        if self._headers is None:
            self._headers = self._compute_headers()
        return self._headers

    def _compute_headers(self) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"content-type", self.content_type.encode()),
            (b"content-length", str(len(self.body)).encode()),
            (b"cache-control", self.cache_control.encode()),
            (b"etag", self.etag.encode()),
            (b"last-modified", format_datetime(self.built_at, usegmt=True).encode()),
            (b"vary", b"Cookie"),
        ]
        if self.location:
            headers.append((b"location", self.location.encode()))
        if self.content_type.startswith("text/html"):
            headers += page_headers(styles=self.styles)
        else:
            headers.append((b"x-content-type-options", b"nosniff"))
        return headers

    @property
    def cacheable(self) -> bool:
        return self.status in (200, 301, 404, 410)


class Freshness:
    """Which tags were invalidated since a build started; remembered only while some build is running."""

    def __init__(self) -> None:
        self._now = 0
        self._running = 0
        self._invalidated: dict[str, int] = {}

    @contextmanager
    def build(self) -> Iterator[int]:
        """Around reading what a page (or site frame) is made of; yields the moment the reading started."""
        self._running += 1
        try:
            yield self._now
        finally:
            self._running -= 1
            if not self._running:
                self._invalidated.clear()

    def invalidated(self, tags: set[str]) -> None:
        if self._running:
            self._now += 1
            for tag in tags:
                self._invalidated[tag] = self._now

    def unchanged(self, tags: frozenset[str] | set[str], since: int) -> bool:
        """True when none of `tags` was invalidated after `since`: a result built from them may be kept."""
        return all(self._invalidated.get(tag, -1) <= since for tag in tags)


class PageCache:
    """An LRU of pages with a tag → keys index for exact invalidation."""

    def __init__(self, max_pages: int) -> None:
        self.max_pages = max_pages
        self.freshness = Freshness()
        self._pages: OrderedDict[str, Page] = OrderedDict()
        self._by_tag: dict[str, set[str]] = {}
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(site_id: str, path: str, variant: str) -> str:
        return site_cache_key(site_id, variant, path)

    def get(self, key: str) -> Page | None:
        page = self._pages.get(key)
        if page is None:
            self.misses += 1
            return None
        self._pages.move_to_end(key)
        self.hits += 1
        return page

    def put(self, key: str, page: Page, since: int) -> bool:
        """Keep `page` unless a tag it was built from was invalidated after `since` (its build's start)."""
        if not self.freshness.unchanged(page.tags, since):
            return False
        self._forget(key)
        self._pages[key] = page
        for tag in page.tags:
            self._by_tag.setdefault(tag, set()).add(key)
        while len(self._pages) > self.max_pages:
            self._forget(next(iter(self._pages)))
        return True

    def invalidate(self, tags: set[str]) -> int:
        """Drop every page built from any of `tags`; returns how many went."""
        self.freshness.invalidated(tags)
        keys: set[str] = set()
        for tag in tags:
            keys |= self._by_tag.pop(tag, set())
        for key in keys:
            self._forget(key)
        return len(keys)

    def __len__(self) -> int:
        return len(self._pages)

    def _forget(self, key: str) -> None:
        page = self._pages.pop(key, None)
        if page is None:
            return
        for tag in page.tags:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]
