"""The public page path as plain ASGI: Host → site, then the page cache, building a page only on a miss.

No framework on this path on purpose: a cached page costs a dict lookup and two `send` calls.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, quote, urlencode

from starlette.types import Receive, Scope, Send

from services.render.cache import Page, PageCache
from services.render.service.context import RenderDeps, SiteHost
from services.render.service.data_pages import PARAMS as DATA_PARAMS
from services.render.service.data_pages import is_data_path
from services.render.service.letters_pages import PARAMS as LETTER_PARAMS
from services.render.service.letters_pages import is_letters_path, read_form, takes_post
from services.render.service.misses import MissCounter
from services.render.service.pages import PageBuilder
from services.render.service.previews import PREFIX as PREVIEW_PREFIX
from services.render.service.search_page import PARAMS as SEARCH_PARAMS
from services.render.service.search_page import PATH as SEARCH_PATH
from services.render.service.site_context import PageRequest
from services.render.service.views import ViewCounter
from services.render.themes import STATIC
from shared.legacy_urls import LEGACY_LINK, path_key, request_keys
from shared.page_headers import page_headers

MODE_COOKIE = "sg_mode"
DEVICE_COOKIE = "sg_device"
# The only query parameters a page reads (the catalogue's filters, page numbers), and their longest value.
PAGE_PARAMS = {"topic": 40, "year": 4, "page": 5, "q": 40, "org": 100, "validity": 11}
_STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
_ASSET_HEADERS_CACHE = b"public, max-age=31536000, immutable"
_SAFE = "/?=&%#:+;,"  # a redirect's target is already a URL: only what cannot be in one is escaped


@dataclass(frozen=True, slots=True)
class PendingBuild:
    """A page being built, and the moment its build began reading."""

    future: asyncio.Future[Page]
    since: int


class PageServer:
    def __init__(self, deps: RenderDeps, builder: PageBuilder) -> None:
        self.deps = deps
        self.cache: PageCache = deps.cache
        self.builder = builder
        self.caching = deps.settings.cache_enabled
        self._building: dict[str, PendingBuild] = {}
        self.views: ViewCounter | None = None  # counts the documents' pages read (search's popularity)
        self.misses: MissCounter | None = None  # counts the addresses answered 404 (a migration's URL map)
        self._assets = {f"/_static/{p.relative_to(STATIC)}": p.read_bytes() for p in STATIC.rglob("*") if p.is_file()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        posted = scope["method"] == "POST" and takes_post(scope["path"])  # the only forms of a site's pages
        if scope["method"] not in ("GET", "HEAD") and not posted:
            await _plain(send, 405, "只支持 GET 与 HEAD 请求", extra=[(b"allow", b"GET, HEAD")])
            return
        headers = dict(scope["headers"])
        path: str = scope["path"]
        if path.startswith("/_static/"):
            await self._asset(send, path)
            return
        ref = self.deps.hosts.resolve(headers.get(b"host", b"").decode("latin-1"))
        if ref is None:
            await _plain(send, 404, "本平台没有这个网站")
            return
        if ref.status == "closed":  # every path of a closed site, on any of its domains, goes on (301)
            page = await self.page(ref, path, "std", {})
            await _send_page(send, page, headers, head=scope["method"] == "HEAD")
            return
        legacy = not ref.is_main or scope.get("query_string") or path.startswith(LEGACY_LINK)
        if legacy and await self._legacy(scope, send, ref, headers):
            return
        if not ref.is_main:
            if await self._missing(ref, scope, headers):  # an old link nothing answers: its 404, counted, here
                page = await self.page(ref, path, _variant(headers), {})
                await _send_page(send, page, headers, head=scope["method"] == "HEAD")
                return
            await _redirect(send, f"{_scheme(scope, headers)}://{ref.main_domain}{quote(path)}{_qs(scope)}", 301)
            return
        if path.startswith("/_mode/"):
            await _switch_mode(send, path, scope)
            return
        if path.startswith(PREVIEW_PREFIX):  # a draft's link: before opening too (a site being built previews)
            request = PageRequest(ref.site_id, path, _variant(headers), {})
            page = await self.builder.preview(request, path.removeprefix(PREVIEW_PREFIX))
            await _send_page(send, page, headers, head=scope["method"] == "HEAD")
            return
        if ref.status != "online":
            await _plain(send, 503, "网站建设中，暂未开通", extra=[(b"retry-after", b"3600")])
            return
        if is_letters_path(path):  # a visitor's own letter, a form, live figures: built every time, never cached
            await self._letters(scope, receive, send, PageRequest(ref.site_id, path, _variant(headers), {}), posted)
            return
        if is_data_path(path):  # the catalogue and a dataset's page, as the portal answers now
            request = PageRequest(ref.site_id, path, _variant(headers), _params(scope, DATA_PARAMS))
            await _send_page(send, await self.builder.data(request), headers, head=scope["method"] == "HEAD")
            return
        if path == SEARCH_PATH:  # the answer to a question: built every time, never cached
            request = PageRequest(ref.site_id, path, _variant(headers), _params(scope, SEARCH_PARAMS))
            await _send_page(send, await self.builder.search(request), headers, head=scope["method"] == "HEAD")
            return
        page = await self.page(ref, path, _variant(headers), _params(scope))
        if self.views is not None and page.status == 200:
            self.views.seen(ref.site_id, page.tags)
        elif page.status == 404:
            self._count_miss(ref, scope, headers)
        await _send_page(send, page, headers, head=scope["method"] == "HEAD")

    async def _legacy(self, scope: Scope, send: Send, ref: SiteHost, headers: dict[bytes, bytes]) -> bool:
        """A migrated site's old URL, asked on its legacy domain or with its query: one 301 to where it lives now
        (on the main domain), or its 410; False when the redirect table does not know it."""
        path, query = scope["path"], scope.get("query_string", b"").decode("latin-1")
        host = headers.get(b"host", b"").decode("latin-1").rsplit(":", 1)[0]
        keys = request_keys(host, path, query)
        if ref.is_main:  # with a query: the path alone is the page's own business (a list's ?page=2)
            keys = tuple(k for k in keys if "?" in k)
        if path.startswith(LEGACY_LINK):  # a migrated body's link to a legacy page: /_legacy/<host>/<path>
            legacy_host, _, rest = path.removeprefix(LEGACY_LINK).partition("/")
            keys = (f"//{legacy_host}{path_key('/' + rest, query)}",)
        page = await self.builder.legacy(PageRequest(ref.site_id, path, _variant(headers), {}), keys)
        if page is None:
            return False
        if page.location is not None and page.location.startswith("/"):
            target = quote(page.location, safe=_SAFE)
            await _redirect(send, f"{_scheme(scope, headers)}://{ref.main_domain}{target}", 301)
            return True
        await _send_page(send, page, headers, head=scope["method"] == "HEAD")
        return True

    async def _missing(self, ref: SiteHost, scope: Scope, headers: dict[bytes, bytes]) -> bool:
        """On another domain of a site, a path its main domain would answer 404: counted, and answered here."""
        page = await self.page(ref, scope["path"], _variant(headers), {})
        if page.status != 404:
            return False
        self._count_miss(ref, scope, headers)
        return True

    def _count_miss(self, ref: SiteHost, scope: Scope, headers: dict[bytes, bytes]) -> None:
        if self.misses is not None:
            host = headers.get(b"host", b"").decode("latin-1").rsplit(":", 1)[0].lower()
            query = scope.get("query_string", b"").decode("latin-1")
            self.misses.missed(ref.site_id, f"//{host}{path_key(scope['path'], query)}")

    async def _letters(self, scope: Scope, receive: Receive, send: Send, request: PageRequest, posted: bool) -> None:
        request = PageRequest(request.site_id, request.path, request.variant, _params(scope, LETTER_PARAMS))
        submitted = None
        if posted:
            submitted = await read_form(scope, receive, self.deps.settings.form_max_bytes)
            if submitted is None:
                await _plain(send, 413, "提交的内容（含附件）过大")
                return
        device, new = _device(dict(scope["headers"]))
        if submitted is not None:
            submitted.fields["device"] = device  # a survey takes one answer per device (and per account)
        page = await self.builder.letters(request, submitted)
        if new:
            cookie = f"{DEVICE_COOKIE}={device}; Path=/hdjl/; Max-Age=31536000; SameSite=Lax; HttpOnly"
            page.headers.append((b"set-cookie", cookie.encode()))
        await _send_page(send, page, dict(scope["headers"]), head=scope["method"] == "HEAD")

    async def page(
        self, ref: SiteHost | str, path: str, variant: str, params: dict[str, str], *, keep: bool = True
    ) -> Page:
        """From the cache, or built once however many requests ask for it at the same moment; kept in the cache
        unless `keep` is False (the mirror's passes read every page once: they must not push out what visitors
        read)."""
        site_id = ref if isinstance(ref, str) else ref.site_id
        key = self.cache.key(site_id, path + ("?" + urlencode(sorted(params.items())) if params else ""), variant)
        while True:
            page = self.cache.get(key)
            if page is not None:
                return page
            pending = self._building.get(key)
            if pending is None:
                return await self._build(key, PageRequest(site_id, path, variant, params), keep)
            page = await self._join(pending)
            if page is not None:
                return page

    async def _join(self, pending: PendingBuild) -> Page | None:
        """The page another request is building, unless what it read has changed since it began (then None:
        the mirror writing after an event, say, must not get a page read before that event)."""
        with self.cache.freshness.build():  # keeps invalidations remembered until this request has looked
            page = await asyncio.shield(pending.future)
            return page if self.cache.freshness.unchanged(page.tags, pending.since) else None

    async def _build(self, key: str, request: PageRequest, keep: bool = True) -> Page:
        future: asyncio.Future[Page] = asyncio.get_running_loop().create_future()
        try:
            with self.cache.freshness.build() as since:
                self._building[key] = PendingBuild(future, since)
                page = await self.builder.build(request)
                if page.cacheable and self.caching and keep:
                    self.cache.put(key, page, since)
            future.set_result(page)
            return page
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it; no "never retrieved" warning
            raise
        finally:
            del self._building[key]

    async def _asset(self, send: Send, path: str) -> None:
        body = self._assets.get(path)
        if body is None:
            await _plain(send, 404, "没有这个文件")
            return
        kind = _STATIC_TYPES.get(path[path.rfind(".") :], "application/octet-stream")
        await _raw(send, 200, body, [(b"content-type", kind.encode()), (b"cache-control", _ASSET_HEADERS_CACHE)])

    def asset_files(self) -> dict[str, bytes]:
        return dict(self._assets)


def _device(headers: dict[bytes, bytes]) -> tuple[str, bool]:
    """The visitor's device mark for surveys (a cookie), and whether it is new and must be set."""
    raw = headers.get(b"cookie", b"").decode("latin-1")
    if DEVICE_COOKIE in raw:
        cookie = SimpleCookie()
        cookie.load(raw)
        if DEVICE_COOKIE in cookie and re.fullmatch(r"[A-Za-z0-9_-]{16,64}", cookie[DEVICE_COOKIE].value):
            return cookie[DEVICE_COOKIE].value, False
    return secrets.token_urlsafe(18), True


def _variant(headers: dict[bytes, bytes]) -> str:
    raw = headers.get(b"cookie")
    if not raw or MODE_COOKIE.encode() not in raw:
        return "std"
    cookie = SimpleCookie()
    cookie.load(raw.decode("latin-1"))
    return "elder" if MODE_COOKIE in cookie and cookie[MODE_COOKIE].value == "elder" else "std"


def _params(scope: Scope, known: dict[str, int] = PAGE_PARAMS) -> dict[str, str]:
    """The query parameters a page reads, each at most its length (the rest of a query string is ignored)."""
    raw = scope.get("query_string", b"")
    if not raw:
        return {}
    pairs = parse_qsl(raw.decode("utf-8", "replace"))
    return {k: v for k, v in pairs if k in known and v and len(v) <= known[k]}


def _qs(scope: Scope) -> str:
    raw = scope.get("query_string", b"")
    return "?" + raw.decode("latin-1") if raw else ""


def _scheme(scope: Scope, headers: dict[bytes, bytes]) -> str:
    forwarded = headers.get(b"x-forwarded-proto", b"").decode("latin-1")
    return forwarded if forwarded in ("http", "https") else scope.get("scheme", "http")


async def _switch_mode(send: Send, path: str, scope: Scope) -> None:
    """适老化 on or off without JavaScript: a link sets a cookie and comes back to the page."""
    mode = path.removeprefix("/_mode/")
    back = dict(parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"))).get("next", "/")
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    if mode not in ("elder", "std"):
        await _plain(send, 404, "没有这种浏览模式")
        return
    age = 31_536_000 if mode == "elder" else 0
    cookie = f"{MODE_COOKIE}={mode}; Path=/; Max-Age={age}; SameSite=Lax; HttpOnly"
    await _redirect(send, quote(back, safe="/?=&%"), 303, extra=[(b"set-cookie", cookie.encode())])


async def _send_page(send: Send, page: Page, headers: dict[bytes, bytes], *, head: bool) -> None:
    if page.status == 200 and headers.get(b"if-none-match", b"").decode("latin-1") == page.etag:
        await send({"type": "http.response.start", "status": 304, "headers": page.headers[2:]})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": page.status, "headers": page.headers})
    await send({"type": "http.response.body", "body": b"" if head else page.body})


async def _raw(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _plain(send: Send, status: int, message: str, *, extra: list[tuple[bytes, bytes]] = ()) -> None:
    body = f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{message}</title></head>'
    body += f"<body><main><h1>{message}</h1></main></body></html>"
    headers = [(b"content-type", b"text/html; charset=utf-8"), *page_headers(), *extra]
    await _raw(send, status, body.encode(), headers)


async def _redirect(send: Send, location: str, status: int, *, extra: list[tuple[bytes, bytes]] = ()) -> None:
    await _raw(send, status, b"", [(b"location", location.encode("latin-1", "replace")), *extra])
