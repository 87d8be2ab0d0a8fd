"""What the search desk's pages share: where they work — a site the person curates, or the whole platform — and
the tabs between its pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Path

from services.console.service.context import ConsoleDeps
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.workspace import SiteRef, my_sites, site_of

SEARCH = "/api/v1/search"
CURATORS = ("site_admin", "editor", "platform_operator")  # the search API's curators of a site
PLATFORM = "platform"  # the rows every site uses (the API's /platform/…); no site may take this id
ScopeId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
PAGES = {"synonyms": "同义词", "best-bets": "置顶", "qa": "智能问答", "analytics": "搜索统计"}
EVERY_SITE = SiteRef(PLATFORM, "全平台（各站点通用）")


@dataclass(frozen=True, slots=True)
class Desk:
    site: SiteRef
    tabs: dict[str, str]  # page → its title, in the tabs' order
    switch: bool  # the person works on more than this one place: a link back to the picker


async def desk_of(deps: ConsoleDeps, staff: Staff, scope: str) -> Desk:
    """The site, if the person curates it (a plain 403 before any call for it if not); the platform's rows are
    left to the search API to refuse to whoever is not a platform operator."""
    operator = staff.principal.is_platform_operator()
    if scope == PLATFORM:
        return Desk(EVERY_SITE, {k: v for k, v in PAGES.items() if k != "analytics"}, switch=True)
    mine = await my_sites(deps, staff, CURATORS)
    site = site_of(mine, scope)
    if site is None:
        raise ApiError(403, "needs_role", f"您在站点 {scope} 上没有信息编辑或网站管理员角色，不能管理它的站内搜索")
    return Desk(site, PAGES, switch=operator or len(mine) > 1)


def api_path(scope: str, segment: str) -> str:
    """The search API's address of a kind of row: a site's, or the platform's."""
    return f"{SEARCH}/platform/{segment}" if scope == PLATFORM else f"{SEARCH}/sites/{scope}/{segment}"
