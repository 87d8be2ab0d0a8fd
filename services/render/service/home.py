"""The home page: the site's own blocks, else its theme's arrangement, each filled from the read model."""

from __future__ import annotations

from typing import Any

from services.render.list_queries import Filters
from services.render.service.context import RenderDeps, RenderUnitOfWork
from services.render.service.listing import entry_item
from services.render.service.site_context import SiteContext
from shared.events.content import PublicState

Block = dict[str, Any]

NATIONAL_LINKS = [
    {"name": "中国政府网", "url": "https://www.gov.cn/"},
    {"name": "国家政务服务平台", "url": "https://gjzwfw.www.gov.cn/"},
]
# What a theme's home page shows when the site has not chosen its own blocks.
THEME_BLOCKS: dict[str, list[Block]] = {
    "province": [
        {"kind": "picture_news"},
        {"kind": "channel_lists"},
        {"kind": "services"},
        {"kind": "topics"},
        {"kind": "site_group"},
        {"kind": "links", "links": NATIONAL_LINKS},
    ],
    "county": [
        {"kind": "picture_news"},
        {"kind": "channel_lists"},
        {"kind": "leaders"},
        {"kind": "services"},
        {"kind": "topics"},
        {"kind": "site_group"},
        {"kind": "links", "links": NATIONAL_LINKS},
    ],
    "department": [
        {"kind": "services", "title": "公开与服务"},
        {"kind": "leaders", "title": "单位领导"},
        {"kind": "picture_news"},
        {"kind": "channel_lists"},
        {"kind": "site_group", "title": "相关网站"},
    ],
    "default": [{"kind": "services"}, {"kind": "channel_lists"}],
}
TITLES = {
    "picture_news": "图片新闻",
    "topics": "专题专栏",
    "leaders": "领导之窗",
    "services": "办事服务",
    "site_group": "网站群导航",
    "links": "相关链接",
}
PORTALS = ("zfxxgk", "hdjl", "bsfw", "sjfb")
MAX_LISTS = 6
GROUP_LEVELS = {"province": "省级", "city": "市级", "county": "县级", "department": "部门"}


def configured_blocks(ctx: SiteContext) -> list[Block]:
    """The site's own choice (kept by its admin in the theme settings), else its theme's."""
    own = ctx.theme.get("home_blocks")
    return own if own is not None else THEME_BLOCKS.get(ctx.theme_name, THEME_BLOCKS["default"])


async def home_blocks(deps: RenderDeps, uow: RenderUnitOfWork, ctx: SiteContext) -> list[Block]:
    """Every configured block that has something to show, ready for the `_blocks.html` components."""
    filled = []
    for index, config in enumerate(configured_blocks(ctx)):
        block = await _fill(deps, uow, ctx, config)
        if block is not None:
            filled.append({"kind": config["kind"], "id": f"b{index}", "title": _title(config)} | block)
    return filled


def _title(config: Block) -> str:
    return config.get("title") or TITLES.get(config["kind"], "")


async def _fill(deps: RenderDeps, uow: RenderUnitOfWork, ctx: SiteContext, config: Block) -> Block | None:
    match config["kind"]:
        case "picture_news":
            return await _picture_news(uow, ctx, config.get("channel", "zwdt"), config.get("limit", 5))
        case "channel_lists":
            return await _channel_lists(uow, ctx, config.get("channels") or [], config.get("limit", 8))
        case "topics":
            topics = [c.snapshot for c in ctx.channels if c.snapshot["kind"] == "topic"]
            return {"topics": topics} if topics else None
        case "leaders":
            return await _leaders(uow, ctx, config.get("channel", "zfxxgk/fdzdgknr/ldxx"))
        case "services":
            return _services(ctx, config.get("links") or [])
        case "site_group":
            groups = site_group(deps, ctx)
            return {"groups": groups} if groups else None
        case "links":
            return {"links": config["links"]} if config.get("links") else None
    return None


async def _picture_news(uow: RenderUnitOfWork, ctx: SiteContext, path: str, limit: int) -> Block | None:
    if ctx.channel_by_path(path) is None:
        return None
    entries, _ = await uow.repo.listed(path, 0, limit, Filters(with_cover=True))
    return {"items": [entry_item(e) for e in entries], "channel": path} if entries else None


async def _channel_lists(uow: RenderUnitOfWork, ctx: SiteContext, paths: list[str], limit: int) -> Block | None:
    """The channels named, in that order, else the site's news lists (at most six that have something). A list
    shows its channel's entries and its subchannels': all read in one statement, each channel's newest few."""
    channels = [c for p in paths if (c := ctx.channel_by_path(p)) is not None] if paths else ctx.home_channels()
    trees = {c.path: [c.path, *(d.path for d in ctx.channels if d.path.startswith(c.path + "/"))] for c in channels}
    newest = await uow.repo.newest_by_channel(sorted({p for tree in trees.values() for p in tree}), limit)
    sections = []
    for channel in channels:
        rows = [row for path in trees[channel.path] for row in newest.get(path, [])]
        items = sorted(rows, key=lambda r: (r.published_at, r.id), reverse=True)[:limit]
        if items:
            sections.append({"channel": channel.snapshot, "items": [entry_item(e) for e in items]})
        if len(sections) == MAX_LISTS:
            break
    return {"sections": sections} if sections else None


async def _leaders(uow: RenderUnitOfWork, ctx: SiteContext, path: str) -> Block | None:
    """A page column shows its document's summary and photo; a list column its newest entries."""
    channel = ctx.channel_by_path(path)
    if channel is None:
        return None
    entries, _ = await uow.repo.listed(path, 0, 1 if channel.snapshot["kind"] == "page" else 6)
    if not entries:
        return None
    block: Block = {"channel": channel.snapshot, "items": [entry_item(e) for e in entries], "page": None}
    if channel.snapshot["kind"] == "page":
        view = await uow.repo.placed_document(entries[0].document_id)
        if view is not None and view.state == PublicState.LIVE:
            block["page"] = view.snapshot
    return block


def _services(ctx: SiteContext, links: list[Block]) -> Block | None:
    """The links given, else the site's 信息公开, 互动, 办事 and 数据 columns and what 办事服务 holds."""
    if links:
        return {"links": links}
    found = [c.snapshot for c in ctx.top if c.path in PORTALS]
    service = ctx.channel_by_path("bsfw")
    if service is not None:
        found += [c.snapshot for c in ctx.children(service.id)]
    entries = [{"name": c["name"], "url": f"/{c['path']}/", "hint": c.get("description") or ""} for c in found]
    return {"links": entries} if entries else None


def site_group(deps: RenderDeps, ctx: SiteContext) -> list[Block]:
    """The sites this one is grouped with: its parent, the sites under it (governments, then departments),
    its peers; only sites that are open to the public."""
    me = ctx.site
    open_sites = [s for s in deps.hosts.sites() if s["status"] == "online" and s["id"] != me["id"]]

    def links(sites: list[dict[str, Any]]) -> list[Block]:
        return [{"name": s["name"], "url": f"{ctx.scheme}://{s['main_domain']}/"} for s in sites]

    children = [s for s in open_sites if s.get("parent_id") == me["id"]]
    peers = [s for s in open_sites if me.get("parent_id") and s.get("parent_id") == me["parent_id"]]
    groups = [
        ("上级网站", [s for s in open_sites if s["id"] == me.get("parent_id")]),
        ("下级政府网站", [s for s in children if s["level"] != "department"]),
        ("部门网站", [s for s in children if s["level"] == "department"]),
        ("同级网站", [s for s in peers if (s["level"] == "department") == (me["level"] == "department")]),
    ]
    return [{"name": name, "links": links(sites)} for name, sites in groups if sites]
