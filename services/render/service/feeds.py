"""Machine-read pages: sitemap.xml, one RSS 2.0 feed per channel, robots.txt."""

from __future__ import annotations

from email.utils import format_datetime
from xml.sax.saxutils import escape

from services.render.cache import Page, entries_tag, list_tag, site_tag
from services.render.service.context import RenderUnitOfWork
from services.render.service.site_context import SiteContext

SITEMAP_LIMIT = 50_000  # the sitemaps.org limit per file
FEED_ITEMS = 30


async def sitemap_xml(uow: RenderUnitOfWork, ctx: SiteContext, cache_control: str) -> Page:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines.append(f"<url><loc>{escape(ctx.url('/'))}</loc><changefreq>hourly</changefreq></url>")
    for channel in ctx.channels:
        if channel.snapshot["kind"] != "link":
            lines.append(f"<url><loc>{escape(ctx.url(f'/{channel.path}/'))}</loc></url>")
    for url_path, published_at in await uow.repo.sitemap(SITEMAP_LIMIT):
        lastmod = published_at.date().isoformat()
        lines.append(f"<url><loc>{escape(ctx.url(url_path))}</loc><lastmod>{lastmod}</lastmod></url>")
    lines.append("</urlset>")
    tags = frozenset({site_tag(ctx.site_id), entries_tag(ctx.site_id)})
    return Page(200, "\n".join(lines).encode(), "application/xml; charset=utf-8", tags, cache_control)


async def channel_rss(uow: RenderUnitOfWork, ctx: SiteContext, channel_path: str, cache_control: str) -> Page | None:
    channel = ctx.channel_by_path(channel_path)
    if channel is None or channel.snapshot["kind"] not in ("list", "topic"):
        return None
    items, _ = await uow.repo.listed(channel.path, 0, FEED_ITEMS)
    snap = channel.snapshot
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>',
        f"<title>{escape(snap['name'])} - {escape(ctx.site['name'])}</title>",
        f"<link>{escape(ctx.url(f'/{channel.path}/'))}</link>",
        f'<atom:link href="{escape(ctx.url(f"/{channel.path}/rss.xml"))}" rel="self" type="application/rss+xml"/>',
        f"<description>{escape(snap['description'] or snap['name'])}</description>",
        "<language>zh-CN</language>",
    ]
    for entry in items:
        link = escape(ctx.url(entry.url_path))
        out.append(
            f"<item><title>{escape(entry.title)}</title><link>{link}</link>"
            f'<guid isPermaLink="true">{link}</guid>'
            f"<pubDate>{format_datetime(entry.published_at, usegmt=True)}</pubDate></item>"
        )
    out.append("</channel></rss>")
    tags = frozenset({site_tag(ctx.site_id), list_tag(ctx.site_id, channel.path)})
    return Page(200, "\n".join(out).encode(), "application/rss+xml; charset=utf-8", tags, cache_control)


def robots_txt(ctx: SiteContext, cache_control: str) -> Page:
    body = f"User-agent: *\nDisallow: /api/\nAllow: /files/\nSitemap: {ctx.url('/sitemap.xml')}\n"
    return Page(200, body.encode(), "text/plain; charset=utf-8", frozenset({site_tag(ctx.site_id)}), cache_control)
