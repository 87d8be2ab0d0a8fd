"""A closed site (关停 or 整合) answers every path with a 301: to the page its redirect table maps the path to, else to
the same document on the site it went to (a document moved up is placed there), else to that site's home page.
Never a 503: its visitors and the search engines follow it on. A site that names nowhere to go answers 410."""

from __future__ import annotations

from typing import Any

from services.render.cache import Page, site_tag
from services.render.service.context import RenderDeps, RenderUnitOfWork
from services.render.service.site_context import PageRequest

HTML = "text/html; charset=utf-8"
CACHE = "public, max-age=3600"


async def forward(deps: RenderDeps, uow: RenderUnitOfWork, request: PageRequest) -> Page:
    site = deps.hosts.site(request.site_id) or {}
    successor = deps.hosts.site(site.get("successor_id") or site.get("parent_id") or "")
    tags = {site_tag(request.site_id)} | ({site_tag(successor["id"])} if successor else set())
    mapped = await uow.repo.redirect(request.path)
    if mapped is not None and mapped.target:
        return moved(_absolute(deps, successor, mapped.target), tags)
    if successor is None:
        return _closed_for_good(site, tags)
    entry = await uow.repo.entry(request.path)
    if entry is not None:
        tags.add(f"doc:{entry.document_id}")
        there = await uow.repo.entry_on(entry.document_id, successor["id"])
        if there is not None:
            return moved(_absolute(deps, successor, there), tags)
    return moved(_absolute(deps, successor, "/"), tags)


def moved(target: str, tags: set[str]) -> Page:
    body = f'<!doctype html><html lang="zh-CN"><title>本网站已整合</title><a href="{target}">{target}</a></html>'
    return Page(301, body.encode(), HTML, frozenset(tags), CACHE, target)


def _absolute(deps: RenderDeps, successor: dict[str, Any] | None, target: str) -> str:
    """A mapped target as written (absolute), or a path on the successor's own domain."""
    if target.startswith(("http://", "https://")) or successor is None:
        return target
    return f"{deps.settings.public_base_scheme}://{successor['main_domain']}{target}"


def _closed_for_good(site: dict[str, Any], tags: set[str]) -> Page:
    name = site.get("name", "")
    body = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{name}已关停</title></head>'
        f"<body><main><h1>{name}已关停</h1><p>本网站已停止运行。</p></main></body></html>"
    )
    return Page(410, body.encode(), HTML, frozenset(tags), CACHE)
