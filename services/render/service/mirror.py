"""The static mirror: every published page also as a file in the blob store, so a plain web server or a
CDN can serve a site while the platform is down. Changes are coalesced and written in the background."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Awaitable, Callable

from services.render.cache import SITE_GROUP_TAG, Page
from services.render.service.context import RenderDeps
from services.render.service.mirror_files import FileMirror, FileSource
from shared.logs import get_logger
from shared.tenancy import site_blob_key

log = get_logger("render.mirror")

PageSource = Callable[[str, str], Awaitable[Page]]  # (site_id, path) → the page as a visitor gets it
RunSource = Callable[[str, list[str]], Awaitable[dict[str, Page]]]  # the pages of those paths it builds together
FIXED_PATHS = ("/", "/sitemap.html", "/sitemap.xml", "/robots.txt")
SHARE_WAIT = 4.0  # seconds waited per second a pass took: the mirror's share of the process stays ≤ 1/5
# ... but never longer than this: a pass's time is wall time, and during an import most of it is the import's work
# between the pass's own steps. Unbounded, the wait grew with it, and the mirror wrote nothing for minutes.
MAX_WAIT = 2.0
# A changed channel's first list pages every pass (a new document lands there), and as many of its deeper ones in
# turn: every page of a newest-first list shifts when a document is added, and writing all of a 5,000-page
# channel per pass (each page an OFFSET read) made a bulk import quadratic. Deep pages catch up a few per pass.
LIST_PAGES_PER_PASS = 10
# A pass with no document to write sweeps deeper pages by the run (one read of consecutive pages each): at ten a
# pass, a 20,000-document import's mirror was done 146 s after the import ended; at 200, 82 s.
SWEEP_PAGES_PER_PASS = 200
RUN = 200  # paths built together (an article's page is ~6 KB: a run's pages are held until written)
# Documents one pass writes at most; the rest wait for the next. A pass holds its documents' views and paths, and
# after a long pass the next waits longer (SHARE_WAIT): unbounded, an import's passes grew to tens of thousands
# of documents, and one such pass took the platform's heap up by ~130 MB and held the loop for seconds.
PASS_DOCUMENTS = 1000


_NUMBERS = re.compile(r"(\d+)")


def reading_order(path: str) -> tuple[str | int, ...]:
    """A path with its numbers compared as numbers: sorted as text, a run of 200 deep list pages held index_100,
    index_1000 … index_1009, index_101 …, twenty reads at an OFFSET instead of one."""
    return tuple(int(part) if n % 2 else part for n, part in enumerate(_NUMBERS.split(path)))


def mirror_key(site_id: str, path: str) -> str:
    """`/zwdt/` → sites/<site>/mirror/zwdt/index.html; `/a/b.html` → sites/<site>/mirror/a/b.html."""
    relative = path.lstrip("/")
    if not relative or relative.endswith("/"):
        relative += "index.html"
    return site_blob_key(site_id, "mirror", relative)


class MirrorWriter:
    def __init__(
        self,
        deps: RenderDeps,
        source: PageSource,
        assets: dict[str, bytes],
        *,
        files: FileSource | None = None,
        runs: RunSource | None = None,
        delay: float = 0.2,
    ):
        self.deps = deps
        self.source = source
        self.runs = runs
        self.assets = assets
        self.files = FileMirror(deps, files)
        self.delay = delay
        self._pending: dict[str, set[str]] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()  # one pass at a time; drain() waits for the one in flight
        self._with_assets: set[str] = set()  # sites whose mirror got the theme's assets in this process
        # What each site's home, sitemaps and robots.txt were built from when last written: a pass rewrites them
        # only when it names one of those (a document's change leaves the sitemap.html and robots.txt as they are).
        self._fixed: dict[tuple[str, str], frozenset[str]] = {}
        self._deep: dict[tuple[str, str], int] = {}  # (site, channel) → the next deep list page to write
        self.written = 0
        self.heard = 0  # changes told by events (not the mirror's own leftovers): whether changes are streaming

    @property
    def pending(self) -> int:
        """Changes (a document, a channel's lists, a site) the mirror has yet to write."""
        return sum(len(tags) for tags in self._pending.values())

    def changed(self, site_id: str, tags: set[str]) -> None:
        self.heard += 1
        self._pending.setdefault(site_id, set()).update(tags)
        if SITE_GROUP_TAG in tags:  # a site opened, moved or closed: every home page lists the group (rare)
            for other in self.deps.hosts.site_ids():
                self._pending.setdefault(other, set()).add(SITE_GROUP_TAG)
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="render.mirror")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def drain(self) -> None:
        """Write whatever is pending, and wait for a pass in flight (tests, the first start)."""
        while True:
            async with self._lock:
                if not self._pending:
                    return
            await self._flush()

    async def _run(self) -> None:
        took, heard = 0.0, self.heard
        while True:
            await self._wake.wait()
            await asyncio.sleep(self._pause(took, heard))
            self._wake.clear()
            heard, began = self.heard, time.perf_counter()
            try:
                await self._flush()
            except Exception:  # a failed pass is retried with the next change; the pages stay served
                log.exception("mirror_pass_failed")
            took = time.perf_counter() - began

    def _pause(self, took: float, heard: int) -> float:
        """Seconds before the next pass. Under a stream of changes (an import, a replay) a burst is coalesced and
        the mirror keeps to a fifth of the process; once the changes stop, what is left is the mirror's own (the
        documents beyond a pass, the deep list pages) and it goes on at once: waiting 2 s between passes made the
        mirror of a 100,000-page import finish seven minutes after it."""
        if self.heard == heard:
            return self.delay
        return min(MAX_WAIT, max(self.delay, SHARE_WAIT * took))

    async def _flush(self) -> None:
        async with self._lock:
            pending, self._pending = self._pending, {}
            for site_id, tags in pending.items():
                await self._write_site(site_id, self._this_pass(site_id, tags))

    def _this_pass(self, site_id: str, tags: set[str]) -> set[str]:
        """The tags but the documents beyond PASS_DOCUMENTS, which stay pending for the next pass."""
        documents = [tag for tag in tags if tag.startswith("doc:")]
        if len(documents) <= PASS_DOCUMENTS:
            return tags
        later = set(documents[PASS_DOCUMENTS:])
        self._pending.setdefault(site_id, set()).update(later)
        self._wake.set()
        return tags - later

    async def _write_site(self, site_id: str, tags: set[str]) -> None:
        if site_id not in self._with_assets:
            await self.write_assets(site_id)
        busy = any(tag.startswith("doc:") for tag in tags)  # documents still coming: the sweep goes slowly
        deep = LIST_PAGES_PER_PASS if busy else SWEEP_PAGES_PER_PASS
        await self._write_paths(site_id, await self.paths_for(site_id, tags, deep))
        await self.files.copy_for(site_id, await self._documents(site_id, tags))

    async def _write_paths(self, site_id: str, wanted: set[str]) -> None:
        """The pages a run source builds together (a pass's articles, a channel's consecutive list pages), the
        others one by one."""
        paths = sorted(wanted, key=reading_order)
        for start in range(0, len(paths), RUN):
            run = paths[start : start + RUN]
            built = await self.runs(site_id, run) if self.runs is not None else {}
            await self._keep(site_id, {path: built.get(path) or await self.source(site_id, path) for path in run})

    async def _documents(self, site_id: str, tags: set[str]) -> set[int]:
        if f"site:{site_id}" in tags:
            async with self.deps.site_uow(site_id) as uow:
                return set(await uow.repo.placed_document_ids())
        return {int(t.split(":", 1)[1]) for t in tags if t.startswith("doc:")}

    async def paths_for(self, site_id: str, tags: set[str], deep: int = LIST_PAGES_PER_PASS) -> set[str]:
        """Which pages of the site the tags stand for; a site-wide change means every page."""
        everything = f"site:{site_id}" in tags
        paths = {path for path in FIXED_PATHS if everything or self._stale(site_id, path, tags)}
        async with self.deps.site_uow(site_id) as uow:
            for channel in await uow.repo.channels():
                changed = everything or f"list:{site_id}:{channel.path}" in tags
                if changed or f"deep:{site_id}:{channel.path}" in tags:  # its lists changed, or a sweep goes on
                    paths |= await self._list_paths(uow, site_id, (channel.path, channel.snapshot["kind"]), deep,
                                                    first=changed)  # fmt: skip
            if everything:
                paths.update(await uow.repo.listed_paths())
            doc_ids = [int(t.split(":", 1)[1]) for t in tags if t.startswith("doc:")]
            if doc_ids:  # the documents' entries on this site, in one read however many the pass has
                paths |= await uow.repo.paths_of(doc_ids)
        return paths

    def _stale(self, site_id: str, path: str, tags: set[str]) -> bool:
        """A fixed page not yet written by this process, or built from one of the tags."""
        built_from = self._fixed.get((site_id, path))
        return built_from is None or not built_from.isdisjoint(tags)

    async def _list_paths(self, uow, site_id: str, channel: tuple[str, str], deep: int, *, first: bool) -> set[str]:  # noqa: ANN001
        """A channel's first pages (when its lists changed) and its next deep ones. A sweep going on after the
        changes stopped rewrote the first pages every pass too, each a read at the head of the list, unchanged."""
        channel_path, kind = channel
        base = f"/{channel_path}/"
        if kind not in ("list", "topic"):
            return {base}
        total = await uow.repo.listed_total(channel_path)
        pages = max(1, -(-total // self.deps.settings.page_size))
        numbers = [*(range(2, min(pages, LIST_PAGES_PER_PASS) + 1) if first else ()),
                   *self._deeper(site_id, channel_path, pages, deep)]  # fmt: skip
        return {*((base, f"{base}rss.xml") if first else ()), *(f"{base}index_{n}.html" for n in numbers)}

    def _deeper(self, site_id: str, channel_path: str, pages: int, deep: int) -> range:
        """The next deep pages of a long channel, in turn; until the last is written, the channel stays due."""
        key = (site_id, channel_path)
        start = self._deep.get(key, LIST_PAGES_PER_PASS + 1)
        if start > pages:
            self._deep.pop(key, None)
            return range(0)
        end = min(pages, start + deep - 1)
        self._deep[key] = end + 1
        self._pending.setdefault(site_id, set()).add(f"deep:{site_id}:{channel_path}")  # the rest, next pass
        self._wake.set()
        return range(start, end + 1)

    async def write(self, site_id: str, path: str, page: Page | None = None) -> None:
        await self._keep(site_id, {path: page or await self.source(site_id, path)})

    async def _keep(self, site_id: str, pages: dict[str, Page]) -> None:
        """Pages as files, written together (a thread's hand-over per page cost as much as writing it); a redirect
        as a refresh stub; a page that is no more, deleted."""
        blobs = []
        for path, page in pages.items():
            if path in FIXED_PATHS:
                self._fixed[site_id, path] = page.tags
            key = mirror_key(site_id, path)
            if page.status == 200:
                blobs.append((key, page.body, page.content_type.split(";")[0]))
            elif page.status in (301, 302) and page.location:
                stub = (
                    f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={page.location}">'
                )
                blobs.append((key, stub.encode(), "text/html"))
            else:
                await self.deps.blobs.delete(key)
        await self.deps.blobs.put_many(blobs)
        self.written += len(pages)

    async def write_assets(self, site_id: str) -> None:
        """The theme's CSS and images at the same /_static/… paths the pages link to."""
        for path, body in self.assets.items():
            kind = "text/css" if path.endswith(".css") else "application/octet-stream"
            await self.deps.blobs.put(site_blob_key(site_id, "mirror", path.lstrip("/")), body, kind)
        self._with_assets.add(site_id)

    async def rebuild_site(self, site_id: str) -> int:
        """Every page of one site, and the theme's assets: the `sitegroup render mirror` command."""
        before = self.written
        await self.write_assets(site_id)
        everything = {f"site:{site_id}"}
        await self._write_paths(site_id, await self.paths_for(site_id, everything))
        await self.files.copy_for(site_id, await self._documents(site_id, everything))
        return self.written - before
