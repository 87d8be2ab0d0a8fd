"""A polite crawl of a live legacy site: robots.txt obeyed, a few requests at a time and no faster than the site
allows, conditional requests on a second pass, and resumable — where it stands lives in a `Frontier` (the
migration job's table), so a crash or a cancel loses nothing and a restart fetches nothing twice.

Redirects are not followed blindly: a 301/302 is recorded (the URL map must keep it) and its target queued if it
is on the legacy site. Only the legacy site's hosts are crawled; links elsewhere are reported by the extraction,
never fetched.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from services.transition.extract.decoding import UndecodablePage, decode_page
from services.transition.extract.links import is_file, page_links
from services.transition.extract.page import whole_document
from services.transition.extract.parsing import parse_document
from services.transition.sources.answers import Answer, answer_from_response
from services.transition.sources.base import Fetched
from services.transition.sources.http11 import Http11Transport

USER_AGENT = "SitegroupMigration/1.0 (site migration of a consolidated government site platform)"  # headers are ASCII
REDIRECTS = (301, 302, 303, 307, 308)
TRANSIENT = (429, 500, 502, 503, 504)  # asked again, after a pause: old servers stumble under a crawl
ATTEMPTS = 3
OnPage = Callable[[Fetched], Awaitable[Iterable[str] | None]]  # the page's links if it read them, else None


class Frontier(Protocol):
    """Where the crawl stands, kept by whoever owns the job (idempotent: adding a known URL does nothing)."""

    async def add(self, urls: Iterable[str]) -> int:
        """How many of them may be new (at least every one that is): the crawl asks again only after some."""
        ...

    async def take(self, limit: int) -> list[str]:
        """Queued URLs, marked taken (a restart puts taken-but-unfinished ones back)."""
        ...

    async def validators(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified a previous fetch of this URL got."""
        ...

    async def finished(self, url: str, fetched: Fetched | None, error: str | None) -> None: ...


@dataclass
class CrawlPolicy:
    hosts: frozenset[str]  # the legacy site's hosts: nothing else is fetched
    concurrency: int = 4
    per_second: float = 4.0  # requests per second to the site, at most (robots.txt's Crawl-delay may lower it)
    max_pages: int = 200_000
    user_agent: str = USER_AGENT
    timeout: float = 30.0
    fetch_files: bool = True  # False: attachments and images are left to the file copier, fetched once there


@dataclass
class CrawlStats:
    fetched: int = 0
    unchanged: int = 0  # 304 Not Modified
    redirects: int = 0
    errors: int = 0
    refused_by_robots: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


class Pacer:
    """No more than `per_second` starts, spread evenly (not in bursts), across every worker."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)


class Crawler:
    """Requests go straight to the transport: httpx's client (URL merging, cookies, auth, hooks) cost more CPU
    per page than the request itself. So there is no cookie jar: a legacy page answers a first-time visitor."""

    def __init__(self, transport: httpx.AsyncBaseTransport, frontier: Frontier, policy: CrawlPolicy) -> None:
        self.transport, self.frontier, self.policy = transport, frontier, policy
        self._timeouts = httpx.Timeout(policy.timeout).as_dict()
        self.stats = CrawlStats()
        self._robots: dict[str, asyncio.Future[RobotFileParser]] = {}  # read once per origin, by whoever asks first
        self._pacer = Pacer(policy.per_second)
        self.queued = 0  # URLs the frontier took as (maybe) new: an empty frontier is asked again after more

    async def run(self, seeds: Iterable[str], on_page: OnPage, cancel: asyncio.Event | None = None) -> CrawlStats:
        """Fetch until the frontier is empty, `max_pages` are done, or `cancel` is set (what was taken finishes).
        `concurrency` workers each take the next URL as soon as their page is done: no page waits for the
        slowest of a batch."""
        feed = _Feed(self.frontier, self.policy, cancel or asyncio.Event(), lambda: self.queued)
        await self._queue(u for u in seeds if self.in_scope(u))
        try:
            async with asyncio.TaskGroup() as workers:
                for _ in range(self.policy.concurrency):
                    workers.create_task(self._work(feed, on_page))
        except ExceptionGroup as failed:  # the others were stopped: the job fails with the first reason
            raise failed.exceptions[0] from None
        return self.stats

    async def _work(self, feed: _Feed, on_page: OnPage) -> None:
        while (url := await feed.next()) is not None:
            try:
                await self._one(url, on_page)
            finally:
                feed.done()

    def in_scope(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https") and (parts.hostname or "") in self.policy.hosts

    async def _one(self, url: str, on_page: OnPage) -> None:
        """Every URL taken ends in on_page (an answer, or why there is none) and then in the frontier; what it
        links to is queued before it is finished, so a crash never leaves a finished page's links unknown."""
        if not await self._allowed(url):
            self.stats.refused_by_robots += 1
            fetched = Fetched.failed(url, "robots.txt 不允许抓取")
        else:
            fetched = await self._fetch_patiently(url)
        self.stats.statuses[fetched.status] = self.stats.statuses.get(fetched.status, 0) + 1
        if fetched.status == 200:
            self.stats.fetched += 1
        links = None
        if fetched.status != 304:  # a redirect, a dead page or a failure is a decision of the URL map too
            links = await on_page(fetched)
        await self._follow(fetched, links)
        await self.frontier.finished(url, fetched, fetched.error)

    async def _fetch_patiently(self, url: str) -> Fetched:
        """A network error or a 429/5xx is asked again twice, after growing pauses."""
        pause = 0.5
        for attempt in range(ATTEMPTS):
            if attempt:
                await asyncio.sleep(pause)
            try:
                fetched = await self._fetch(url)
            except httpx.HTTPError as exc:
                fetched = Fetched.failed(url, f"抓取失败：{type(exc).__name__} {exc}"[:300])
            if fetched.status not in (0, *TRANSIENT):
                return fetched
            pause = (2.0 if fetched.status in (429, 503) else 0.5) * 2**attempt  # "too busy": back off longer
        self.stats.errors += 1
        return fetched

    async def _fetch(self, url: str) -> Fetched:
        etag, modified = await self.frontier.validators(url)
        headers = {"user-agent": self.policy.user_agent}
        if etag:
            headers["if-none-match"] = etag
        if modified:
            headers["if-modified-since"] = modified
        await self._pacer.wait()
        answer = await self._get(url, headers)
        return Fetched(
            url, answer.status, answer.body, answer.headers.get("content-type"), answer.headers.get("etag"),
            answer.headers.get("last-modified"), answer.headers.get("location"),
        )  # fmt: skip

    async def _get(self, url: str, headers: dict[str, str]) -> Answer:
        """One GET, read whole; gzip and deflate asked for and undone as a browser's are."""
        headers = {"accept-encoding": "gzip, deflate", **headers}
        if isinstance(self.transport, Http11Transport):
            return await self.transport.get(url, headers, self._timeouts)
        request = httpx.Request("GET", url, headers=headers, extensions={"timeout": self._timeouts})
        return await answer_from_response(await self.transport.handle_async_request(request))

    async def _follow(self, fetched: Fetched, links: Iterable[str] | None) -> None:
        """Queue what the answer points at on the legacy site: a redirect's target, an HTML page's links (those
        on_page read when it read the page, else read here)."""
        if fetched.status == 304:
            self.stats.unchanged += 1
        elif fetched.status in REDIRECTS and fetched.location:
            self.stats.redirects += 1
            target = httpx.URL(fetched.url).join(fetched.location)
            if self.in_scope(str(target)):
                await self._queue([str(target)])
        elif fetched.status == 200 and fetched.is_html:
            if links is None:
                links = _links_of(fetched)
            links = (u for u in links if self.in_scope(u))
            await self._queue(u for u in links if self.policy.fetch_files or not is_file(u))

    async def _queue(self, urls: Iterable[str]) -> None:
        self.queued += await self.frontier.add(urls)

    async def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        robots = self._robots.get(origin)
        if robots is None:
            robots = self._robots[origin] = asyncio.ensure_future(self._read_robots(origin))
        return (await robots).can_fetch(self.policy.user_agent, url)

    async def _read_robots(self, origin: str) -> RobotFileParser:
        """robots.txt once per origin; none (404) allows everything, an unreachable one allows nothing."""
        robots = RobotFileParser(f"{origin}/robots.txt")
        try:
            answer = await self._get(f"{origin}/robots.txt", {"user-agent": self.policy.user_agent})
        except httpx.HTTPError:
            robots.disallow_all = True
            return robots
        if answer.status in (401, 403):
            robots.disallow_all = True
        elif answer.status == 200:
            robots.parse(decode_page(answer.body, answer.headers.get("content-type")).text.splitlines())
            delay = robots.crawl_delay(self.policy.user_agent)
            if delay:
                self._pacer.interval = max(self._pacer.interval, float(delay))
        else:
            robots.allow_all = True
        return robots


def _links_of(fetched: Fetched) -> list[str]:
    try:
        text = decode_page(fetched.body, fetched.content_type).text
    except UndecodablePage:
        return []  # reported by whoever reads the page; nothing to follow
    return page_links(whole_document(parse_document(text or "<p/>")), fetched.url)


class _Feed:
    """URLs taken from the frontier a few at a time (a take is a transaction), handed to the workers one by one.
    An empty frontier ends the crawl only when no page is in hand: one still being read may queue more."""

    def __init__(
        self, frontier: Frontier, policy: CrawlPolicy, cancel: asyncio.Event, queued: Callable[[], int]
    ) -> None:
        self.frontier, self.policy, self.cancel, self.queued = frontier, policy, cancel, queued
        self.taken: deque[str] = deque()
        self.handed = self.in_hand = 0
        self._empty_after = -1  # URLs queued when the frontier was last found empty: it is asked again after more
        self._take = asyncio.Lock()
        self._change = asyncio.Event()

    async def next(self) -> str | None:
        while True:
            if self.taken:  # taken URLs are finished even after a cancel: a memory frontier has no other copy
                self.handed, self.in_hand = self.handed + 1, self.in_hand + 1
                return self.taken.popleft()
            if self.cancel.is_set() or self.handed >= self.policy.max_pages:
                return None
            if self._empty_after != self.queued():  # more URLs queued since it was found empty
                async with self._take:
                    if not self.taken and self._empty_after != self.queued():
                        await self._refill()
                continue
            if not self.in_hand:
                return None
            self._change.clear()
            await self._change.wait()

    async def _refill(self) -> None:
        queued = self.queued()
        limit = min(self.policy.concurrency, self.policy.max_pages - self.handed)
        self.taken.extend(await self.frontier.take(limit))
        if not self.taken:
            self._empty_after = queued

    def done(self) -> None:
        self.in_hand -= 1
        self._change.set()


class MemoryFrontier:
    """A frontier in memory: for a one-off crawl and the tests (a job keeps its own in the database)."""

    def __init__(self) -> None:
        self.queued: dict[str, None] = {}
        self.known: set[str] = set()
        self.results: dict[str, tuple[Fetched | None, str | None]] = {}

    async def add(self, urls: Iterable[str]) -> int:
        before = len(self.known)
        for url in urls:
            if url not in self.known:
                self.known.add(url)
                self.queued[url] = None
        return len(self.known) - before

    async def take(self, limit: int) -> list[str]:
        taken = list(self.queued)[:limit]
        for url in taken:
            del self.queued[url]
        return taken

    async def validators(self, url: str) -> tuple[str | None, str | None]:
        fetched = self.results.get(url, (None, None))[0]
        return (fetched.etag, fetched.last_modified) if fetched else (None, None)

    async def finished(self, url: str, fetched: Fetched | None, error: str | None) -> None:
        if fetched is not None and fetched.status == 304 and url in self.results:
            return  # unchanged: the page and validators of the fetch before stand
        self.results[url] = (fetched, error)

    def again(self) -> None:
        """Everything known queued once more (a second pass: conditional requests)."""
        self.queued = dict.fromkeys(self.known)
