"""What every page of a site knows: the page asked for, the site, its theme choices, its channel tree, the national
meta tags."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.render.cache import site_tag
from services.render.labels import labels, og_locale, site_lang
from services.render.models import ChannelView
from services.render.service.context import RenderDeps, RenderUnitOfWork, SiteFrame
from services.render.service.redirect_shapes import RedirectShape
from services.render.themes import DEFAULT_THEME

THEME_DEFAULTS: dict[str, Any] = {
    "primary_color": "#b3000c",  # 6.9:1 against white: AA for text of any size
    "link_color": "#0b4aa2",
    "logo_url": None,
    "logo_alt": None,
    "footer_lines": [],
}
COLUMN_TYPES = {"list": "列表栏目", "page": "单页栏目", "link": "链接栏目", "topic": "专题栏目"}
ERROR_REPORT_URL = "https://zfwzzc.www.gov.cn/"  # 我为政府网站找错, the national error-report desk


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A page asked for: the site its host resolved to, the path, the variant and the query parameters."""

    site_id: str
    path: str
    variant: str  # "std" | "elder" (适老化)
    params: dict[str, str]


@dataclass
class SiteContext:
    site: dict[str, Any]
    theme: dict[str, Any]
    channels: list[ChannelView]
    redirects: RedirectShape  # which keys the site's redirect table may hold
    variant: str
    path: str
    scheme: str
    other_sites: Callable[[str], dict[str, Any] | None] = lambda _site_id: None
    search_box: bool = False
    _by_path: dict[str, ChannelView] = field(default_factory=dict)
    _by_id: dict[int, ChannelView] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_path = {c.path: c for c in self.channels}
        self._by_id = {c.id: c for c in self.channels}

    @property
    def site_id(self) -> str:
        return self.site["id"]

    @property
    def theme_name(self) -> str:
        return self.site.get("theme") or DEFAULT_THEME

    @property
    def lang(self) -> str:
        return site_lang(self.site)

    @property
    def t(self) -> Any:
        """The frame's words in the site's language."""
        return labels(self.lang)

    @property
    def top(self) -> list[ChannelView]:
        return [c for c in self.channels if c.parent_id is None]

    @property
    def tree(self) -> list[dict[str, Any]]:
        def node(c: ChannelView) -> dict[str, Any]:
            return {"channel": c.snapshot, "children": [node(k) for k in self.children(c.id)]}

        return [node(c) for c in self.top]

    def children(self, channel_id: int) -> list[ChannelView]:
        return [c for c in self.channels if c.parent_id == channel_id]

    def channel_by_path(self, path: str) -> ChannelView | None:
        return self._by_path.get(path)

    def channel_by_id(self, channel_id: int) -> ChannelView | None:
        return self._by_id.get(channel_id)

    def home_channels(self) -> list[ChannelView]:
        """News first-level lists, then their second level, in the site's own order."""
        lists = [c for c in self.channels if c.snapshot["kind"] in ("list", "topic") and c.path.count("/") <= 1]
        return sorted(lists, key=lambda c: (c.path.count("/") == 0 and bool(self.children(c.id)), c.position))

    def breadcrumbs(self, channel: ChannelView | None) -> list[dict[str, Any]]:
        trail = []
        while channel is not None:
            trail.append(channel.snapshot)
            channel = self._by_id.get(channel.parent_id) if channel.parent_id else None
        return list(reversed(trail))

    @property
    def theme_style(self) -> str:
        """The site's colours as the one inline style of its pages (its CSP names this exact text)."""
        return f":root{{--primary:{self.theme['primary_color']};--link:{self.theme['link_color']}}}"

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.site['main_domain']}{path}"

    def ref_url(self, ref: dict[str, Any]) -> str:
        """Where a linked document is: a path on this site, or an absolute URL on its own site's domain."""
        path = ref.get("url_path") or ""
        if not path or ref.get("site_id") in (None, self.site_id):
            return path or "#"
        other = self.other_sites(ref["site_id"])
        return f"{self.scheme}://{other['main_domain']}{path}" if other else path

    def template_context(
        self,
        extra: dict[str, Any],
        *,
        column: ChannelView | None,
        canonical: str | None = None,
        article: dict[str, Any] | None = None,
        title: str | None = None,
    ) -> dict[str, Any]:
        parent = self.other_sites(self.site["parent_id"]) if self.site.get("parent_id") else None
        return {
            "site": self.site,
            "lang": self.lang,
            "og_locale": og_locale(self.lang),
            "t": self.t,
            "theme_name": self.theme_name,
            "parent_site": parent,
            "parent_url": f"{self.scheme}://{parent['main_domain']}/" if parent else None,
            "theme": self.theme,
            "nav": [c.snapshot for c in self.top],
            "variant": self.variant,
            "path": self.path,
            "canonical": canonical or self.url(self.path),
            "column": column.snapshot if column else None,
            "column_type": COLUMN_TYPES.get(column.snapshot["kind"], "") if column else "",
            "breadcrumbs": self.breadcrumbs(column),
            "article": article,
            "page_title": title,
            "error_report_url": ERROR_REPORT_URL,
            "site_url": self.url,
            "ref_url": self.ref_url,
            "theme_style": self.theme_style,
            "search_box": self.search_box,
            **extra,
        }


async def site_frame(deps: RenderDeps, uow: RenderUnitOfWork, site_id: str) -> SiteFrame:
    frame = deps.frames.get(site_id)
    if frame is None:
        with deps.cache.freshness.build() as since:
            own = await uow.repo.theme()
            frame = SiteFrame(
                theme={**THEME_DEFAULTS, **(own.values if own else {})},
                channels=await uow.repo.channels(),
            )
            if deps.cache.freshness.unchanged({site_tag(site_id)}, since):  # else a channel changed meanwhile
                deps.frames[site_id] = frame
    return frame


async def site_context(deps: RenderDeps, uow: RenderUnitOfWork, request: PageRequest) -> SiteContext:
    site = deps.hosts.site(request.site_id)
    if site is None:
        raise LookupError(request.site_id)
    frame = await site_frame(deps, uow, request.site_id)
    return SiteContext(
        site=site,
        theme=frame.theme,
        redirects=await redirect_shape(deps, uow, request.site_id),
        channels=frame.channels,
        variant=request.variant,
        path=request.path,
        scheme=deps.settings.public_base_scheme,
        other_sites=deps.hosts.site,
        search_box=deps.search is not None,
    )


async def redirect_shape(deps: RenderDeps, uow: RenderUnitOfWork, site_id: str) -> RedirectShape:
    """Read from the table the first time a page of the site is built; kept up to date by the writes after."""
    shape = deps.redirect_shapes.get(site_id)
    if shape is None:
        shape = RedirectShape()
        shape.add(await uow.repo.redirect_keys())
        shape = deps.redirect_shapes.install(site_id, shape)
    return shape
