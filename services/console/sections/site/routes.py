"""The people of a site: who holds which role there, a role granted to a staff account by its username, a role
taken back. The identity provider decides who may grant what (a site admin: the other roles of their site)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.sections.site import channels, redirects, theme
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.workspace import CONTENT, my_sites, site_of

router = APIRouter(prefix="/console/site", include_in_schema=False)
router.include_router(theme.router)
router.include_router(redirects.router)
router.include_router(channels.router)
IDENTITY = "/api/v1/identity"
SiteId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
ROLE_NAMES = {
    "site_admin": "网站管理员",
    "editor": "信息编辑",
    "letter_handler": "信件办理",
    "data_publisher": "数据发布",
}


def role_name(role: str) -> str:
    return ROLE_NAMES.get(role) or (
        f"{role.removeprefix('reviewer:')}（审核）" if role.startswith("reviewer:") else role
    )


@router.get("/")
async def sites(request: Request, staff: StaffDep) -> Response:
    mine = await my_sites(deps_of(request), staff, ("site_admin",))
    if len(mine) == 1:
        return RedirectResponse(f"/console/site/{mine[0].id}/people", status_code=303)
    return pages_of(request).render(request, "site/sites.html", staff, sites=mine, page="people")


@router.get("/{page}")
async def desk_of_my_site(
    request: Request, staff: StaffDep, page: Annotated[str, Path(pattern="^(theme|redirects|channels)$")]
) -> Response:
    """The menu's entries go straight to the desk of the admin's one site, or let them pick."""
    mine = await my_sites(deps_of(request), staff, ("site_admin",))
    if len(mine) == 1:
        return RedirectResponse(f"/console/site/{mine[0].id}/{page}", status_code=303)
    return pages_of(request).render(request, "site/sites.html", staff, sites=mine, page=page)


@router.get("/{site_id}/people")
async def people(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    return await _people_page(request, staff, site_id, errors={}, values={})


@router.post("/{site_id}/grant")
async def grant(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    form = await form_of(request, staff)
    api, username, role = deps_of(request).api, form.get("username", "").strip(), form.get("role", "")
    if not username:
        errors = {"username": "请填写用户名"}
        return await _people_page(request, staff, site_id, errors=errors, values=form, status=422)
    found = await api.call(staff.token, "GET", f"{IDENTITY}/sites/{site_id}/staff", params={"username": username})
    if not found:
        errors = {"username": f"没有用户名为 {username} 的工作人员账号"}
        return await _people_page(request, staff, site_id, errors=errors, values=form, status=422)
    try:
        path = f"{IDENTITY}/accounts/{found[0]['account_id']}/grants"
        await api.call(staff.token, "POST", path, json={"site": site_id, "role": role})
    except ApiError as exc:
        if exc.status not in (403, 409, 422):
            raise
        errors = {"role": exc.fields.get("role") or exc.message}
        return await _people_page(request, staff, site_id, errors=errors, values=form, status=exc.status)
    return done_at(f"/console/site/{site_id}/people", f"已授予{found[0]['name']}{role_name(role)}角色")


@router.post("/{site_id}/revoke")
async def revoke(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    form = await form_of(request, staff)
    account, role = form.get("account_id", ""), form.get("role", "")
    params = {"site": site_id, "role": role}
    await deps_of(request).api.call(staff.token, "DELETE", f"{IDENTITY}/accounts/{account}/grants", params=params)
    return done_at(f"/console/site/{site_id}/people", f"已撤销{role_name(role)}角色")


async def _people_page(
    request: Request,
    staff: Staff,
    site_id: str,
    *,
    errors: dict[str, str],
    values: dict[str, str],
    status: int = 200,
) -> Response:
    deps = deps_of(request)
    sites, listed, workflow = await asyncio.gather(
        my_sites(deps, staff, ("site_admin",)),
        deps.api.call(staff.token, "GET", f"{IDENTITY}/sites/{site_id}/staff"),
        deps.api.call(staff.token, "GET", f"{CONTENT}/sites/{site_id}/workflow"),
    )
    site = site_of(sites, site_id)
    if site is None:
        raise ApiError(403, "needs_role", f"您不是站点 {site_id} 的网站管理员")
    return pages_of(request).render(
        request,
        "site/people.html",
        staff,
        status=status,
        site=site,
        people=listed,
        grantable=_grantable(workflow),
        role_name=role_name,
        errors=errors,
        values=values,
    )


def _grantable(workflow: dict[str, Any]) -> list[str]:
    """What a site admin may hand out: the site's roles but their own, and one reviewer role per review step."""
    steps = [step["role"] for step in workflow["steps"]]
    return ["editor", *dict.fromkeys(steps), "letter_handler", "data_publisher"]
