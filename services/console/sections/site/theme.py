"""A site's look as its admin sets it: colours, logo, footer lines and the home page's blocks — tried at a preview
link on the site's own host before anything is saved. The renderer checks every value (contrast, columns)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.sections.content.channels import channel_tree
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.workspace import CONTENT, site_in_reach, site_url

router = APIRouter(include_in_schema=False)  # included by the site routes, under /console/site
RENDER = "/api/v1/render"
SiteId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
ROWS = 12
KINDS = {
    "picture_news": "图片新闻",
    "channel_lists": "栏目信息列表",
    "topics": "专题专栏",
    "leaders": "领导之窗",
    "services": "办事服务",
    "site_group": "网站群导航",
    "links": "相关链接",
}
WITH_CHANNEL, WITH_LINKS, WITH_LIMIT = (
    {"picture_news", "leaders"},
    {"services", "links"},
    {"picture_news", "channel_lists"},
)


@router.get("/{site_id}/theme")
async def theme(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    current = await deps_of(request).api.call(staff.token, "GET", f"{RENDER}/sites/{site_id}/theme")
    return await _page(request, staff, site_id, _form_of_theme(current), errors={})


@router.post("/{site_id}/theme")
async def save_theme(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    form = await form_of(request, staff)
    api, body = deps_of(request).api, theme_body(form)
    try:
        if form.get("action") == "preview":
            made = await api.call(staff.token, "POST", f"{RENDER}/sites/{site_id}/previews", json={"theme": body})
            site = await site_in_reach(deps_of(request), staff, site_id, ("site_admin",))
            link = site_url(deps_of(request), site) + made["path"]
            return await _page(request, staff, site_id, form, errors={}, link=link, expires_at=made["expires_at"])
        await api.call(staff.token, "PUT", f"{RENDER}/sites/{site_id}/theme", json=body)
    except ApiError as exc:
        if exc.status != 422:
            raise
        return await _page(request, staff, site_id, form, errors=exc.fields or {"": exc.message}, status=422)
    return done_at(f"/console/site/{site_id}/theme", "外观与首页布局已保存，各页面随即更新")


def theme_body(form: dict[str, str]) -> dict[str, Any]:
    """The renderer's ThemeUpdate from the form: empty optional values left out, blocks in row order."""
    body: dict[str, Any] = {k: form[k].strip() for k in ("primary_color", "link_color") if form.get(k, "").strip()}
    for key in ("logo_url", "logo_alt"):
        if form.get(key, "").strip():
            body[key] = form[key].strip()
    body["footer_lines"] = [line.strip() for line in form.get("footer_lines", "").splitlines() if line.strip()]
    body["home_blocks"] = None if form.get("theme_default") == "on" else [b for b in map(_block, _rows(form)) if b]
    return body


def _rows(form: dict[str, str]) -> list[dict[str, str]]:
    rows = [{k.split("-", 1)[1]: v for k, v in form.items() if k.startswith(f"b{i}-")} for i in range(ROWS)]
    return sorted((r for r in rows if r.get("kind")), key=lambda r: int(r.get("order") or 99))


def _block(row: dict[str, str]) -> dict[str, Any] | None:
    kind = row["kind"]
    block: dict[str, Any] = {"kind": kind}
    if row.get("title", "").strip() and kind != "channel_lists":
        block["title"] = row["title"].strip()
    if kind in WITH_CHANNEL and row.get("channel"):
        block["channel"] = row["channel"]
    if kind == "channel_lists":
        block["channels"] = [c.strip() for c in row.get("channels", "").split(",") if c.strip()]
    if kind in WITH_LIMIT and row.get("limit", "").isdigit():
        block["limit"] = int(row["limit"])
    if kind in WITH_LINKS:
        block["links"] = [_link(line) for line in row.get("links", "").splitlines() if line.strip()]
    return block


def _link(line: str) -> dict[str, str]:
    name, _, url = line.strip().rpartition(" ")
    return {"name": name.strip() or url, "url": url}


def _form_of_theme(theme: dict[str, Any]) -> dict[str, str]:
    form = {k: theme.get(k) or "" for k in ("primary_color", "link_color", "logo_url", "logo_alt")}
    form["footer_lines"] = "\n".join(theme.get("footer_lines") or [])
    form["theme_default"] = "on" if theme.get("home_blocks") is None else ""
    for i, block in enumerate(theme.get("home_blocks") or []):
        form |= {f"b{i}-kind": block["kind"], f"b{i}-order": str(i + 1), f"b{i}-title": block.get("title", "")}
        form |= {f"b{i}-channel": block.get("channel", ""), f"b{i}-channels": ",".join(block.get("channels", []))}
        form[f"b{i}-limit"] = str(block.get("limit", ""))
        form[f"b{i}-links"] = "\n".join(f"{link['name']} {link['url']}" for link in block.get("links", []))
    return form


async def _page(
    request: Request, staff: Staff, site_id: str, values: dict[str, str], *, errors: dict[str, str], **extra: Any
) -> Response:
    deps = deps_of(request)
    site, channels = await asyncio.gather(
        site_in_reach(deps, staff, site_id, ("site_admin",), what="网站管理员角色"),
        deps.api.call(staff.token, "GET", f"{CONTENT}/sites/{site_id}/channels"),
    )
    status = extra.pop("status", 200)
    return pages_of(request).render(
        request,
        "site/theme.html",
        staff,
        status=status,
        site=site,
        values=values,
        errors=errors,
        kinds=KINDS,
        rows=range(ROWS),
        paths=[(node.path, "　" * node.depth + node.name) for node in channel_tree(channels)],
        link=extra.get("link"),
        expires_at=extra.get("expires_at"),
    )
