"""Where a person works: the sites their roles name (every site for a platform-wide role), with their names."""

from __future__ import annotations

from dataclasses import dataclass

from services.console.service.context import ConsoleDeps
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from shared.auth import PLATFORM_SITE

CONTENT = "/api/v1/content"


@dataclass(frozen=True, slots=True)
class SiteRef:
    id: str
    name: str
    main_domain: str = ""


async def my_sites(deps: ConsoleDeps, staff: Staff, roles: tuple[str, ...] | None = None) -> list[SiteRef]:
    """The sites on which the person holds one of `roles` (any role if None), in the directory's order."""
    grants = [g for g in staff.principal.grants if roles is None or holds(g.role, roles)]
    directory = await deps.api.call(staff.token, "GET", f"{CONTENT}/sites")
    known = {site["id"]: SiteRef(site["id"], site["name"], site["main_domain"]) for site in directory}
    if any(g.site == PLATFORM_SITE for g in grants):
        return list(known.values())
    wanted = list(dict.fromkeys(g.site for g in grants))
    return [known.get(site_id) or await _unlisted(deps, staff, site_id) for site_id in wanted]


async def _unlisted(deps: ConsoleDeps, staff: Staff, site_id: str) -> SiteRef:
    """A site not in the public directory (still being built, or closed)."""
    site = await deps.api.call(staff.token, "GET", f"{CONTENT}/sites/{site_id}")
    return SiteRef(site_id, site["name"], site["main_domain"])


def site_url(deps: ConsoleDeps, site: SiteRef) -> str:
    """Where the site answers (the consolidated platform: <site>.localhost:<port>)."""
    return deps.settings.site_url.format(site_id=site.id, main_domain=site.main_domain)


def holds(role: str, roles: tuple[str, ...]) -> bool:
    """`role` is one of `roles`; "reviewer:*" stands for every review step's role."""
    return role in roles or any(r.endswith(":*") and role.startswith(r[:-1]) for r in roles)


async def site_in_reach(
    deps: ConsoleDeps, staff: Staff, site_id: str, roles: tuple[str, ...] | None = None, *, what: str = "角色"
) -> SiteRef:
    """The site, if the person holds one of `roles` there; else a plain 403 before any call is made for it."""
    site = site_of(await my_sites(deps, staff, roles), site_id)
    if site is None:
        raise ApiError(403, "needs_role", f"您在站点 {site_id} 上没有{what}")
    return site


def site_of(sites: list[SiteRef], site_id: str) -> SiteRef | None:
    return next((site for site in sites if site.id == site_id), None)
