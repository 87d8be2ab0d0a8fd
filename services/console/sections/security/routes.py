"""Staff accounts as the security admin keeps them: find one by username, see every role it holds, grant and
take back roles on any site, reset its second factor, create new ones. The provider checks every step."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff

router = APIRouter(prefix="/console/security", include_in_schema=False)
IDENTITY = "/api/v1/identity"


@router.get("/")
async def accounts(request: Request, staff: StaffDep, username: Annotated[str, Query(max_length=64)] = "") -> Response:
    return await _page(request, staff, username.strip(), errors={}, values={})


@router.post("/accounts")
async def create(request: Request, staff: StaffDep) -> Response:
    form = await form_of(request, staff)
    body = {key: form.get(key, "").strip() for key in ("username", "name", "password")}
    body["totp_required"] = form.get("totp_required") == "on"
    try:
        await deps_of(request).api.call(staff.token, "POST", f"{IDENTITY}/accounts", json=body)
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        errors = exc.beside_fields()
        return await _page(request, staff, "", errors=errors, values=form, status=exc.status)
    return done_at(f"/console/security/?username={quote(body['username'])}", "账号已创建")


@router.post("/grant")
async def grant(request: Request, staff: StaffDep) -> Response:
    form = await form_of(request, staff)
    grant = {"site": form.get("site", "").strip(), "role": form.get("role", "").strip()}
    path = f"{IDENTITY}/accounts/{form.get('account_id', '')}/grants"
    await deps_of(request).api.call(staff.token, "POST", path, json=grant)
    return done_at(f"/console/security/?username={quote(form.get('username', ''))}", "角色已授予")


@router.post("/revoke")
async def revoke(request: Request, staff: StaffDep) -> Response:
    form = await form_of(request, staff)
    params = {"site": form.get("site", ""), "role": form.get("role", "")}
    path = f"{IDENTITY}/accounts/{form.get('account_id', '')}/grants"
    await deps_of(request).api.call(staff.token, "DELETE", path, params=params)
    return done_at(f"/console/security/?username={quote(form.get('username', ''))}", "角色已撤销")


@router.post("/reset-totp")
async def reset_totp(request: Request, staff: StaffDep) -> Response:
    form = await form_of(request, staff)
    await deps_of(request).api.call(staff.token, "DELETE", f"{IDENTITY}/accounts/{form.get('account_id', '')}/totp")
    message = "动态口令已重置，对方下次登录时重新绑定"
    return done_at(f"/console/security/?username={quote(form.get('username', ''))}", message)


async def _page(
    request: Request, staff: Staff, username: str, *, errors: dict[str, str], values: dict[str, str], status: int = 200
) -> Response:
    account, grants = await _account(request, staff, username) if username else (None, [])
    return pages_of(request).render(
        request,
        "security/accounts.html",
        staff,
        status=status,
        username=username,
        account=account,
        grants=grants,
        errors=errors,
        values=values,
    )


async def _account(request: Request, staff: Staff, username: str) -> tuple[dict[str, Any] | None, list[dict]]:
    api = deps_of(request).api
    found = await api.call(staff.token, "GET", f"{IDENTITY}/accounts", params={"username": username})
    if not found:
        return None, []
    grants = await api.call(staff.token, "GET", f"{IDENTITY}/accounts/{found[0]['id']}/grants")
    return found[0], grants
