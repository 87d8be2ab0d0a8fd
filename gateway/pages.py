"""Minimal public pages per site, proving host → site routing until the render service takes over.

They read only the content service's public API, exactly as any other client would.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from gateway.services import ServiceClients
from gateway.sites import SiteResolver
from shared.clock import china_time

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    enable_async=False,
)
_TEMPLATES.filters["cst"] = lambda value: china_time(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")


class SitePages:
    def __init__(self, clients: ServiceClients, resolver: SiteResolver) -> None:
        self.clients = clients
        self.resolver = resolver

    async def __call__(self, scope, receive, send) -> None:
        request = Request(scope, receive)
        response = await self.page(request)
        await response(scope, receive, send)

    async def page(self, request: Request) -> Response:
        site_ref = await self.resolver.resolve(request.headers.get("host", ""))
        if site_ref is None:
            return _html("not_found.html", 404, message="本平台没有这个网站")
        content = self.clients.client("content")
        site = (await content.get(f"/api/v1/content/public/sites/{site_ref.site_id}")).json()
        if site_ref.status != "online":
            return _html("not_found.html", 503, site=site, message="网站建设中，暂未开通")
        path = request.url.path
        if path == "/":
            return await self._home(site)
        if path.endswith(".html"):
            return await self._article(site, path)
        return _html("not_found.html", 404, site=site, message="您访问的页面不存在")

    async def _home(self, site: dict) -> Response:
        content = self.clients.client("content")
        channels = (await content.get(f"/api/v1/content/sites/{site['id']}/channels")).json()
        sections = []
        for channel in sorted((c for c in channels if c["kind"] in ("list", "topic")), key=lambda c: c["position"]):
            listing = await content.get(
                f"/api/v1/content/public/sites/{site['id']}/channels/{channel['id']}/documents", params={"size": 8}
            )
            if items := listing.json()["items"]:
                sections.append((channel, items))
            if len(sections) == 6:
                break
        top = [c for c in channels if c["parent_id"] is None]
        return _html("home.html", 200, site=site, channels=top, sections=sections)

    async def _article(self, site: dict, path: str) -> Response:
        content = self.clients.client("content")
        response = await content.get(f"/api/v1/content/public/sites/{site['id']}/pages", params={"path": path})
        if response.status_code == 410:
            return _html("not_found.html", 410, site=site, message="该信息已删除")
        if response.status_code != 200:
            return _html("not_found.html", 404, site=site, message="您访问的页面不存在")
        page = response.json()
        if page["state"] == "redirected" and page["redirect_url"]:
            return RedirectResponse(page["redirect_url"], status_code=301)
        return _html("article.html", 200, site=site, page=page, doc=page["document"])


def _html(template: str, status: int, **context: object) -> HTMLResponse:
    body = _TEMPLATES.get_template(template).render(**context)
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "public, max-age=30"})
