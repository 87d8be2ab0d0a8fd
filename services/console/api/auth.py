"""Signing in (the provider's login page, then back here), signing out (here and at the provider), and the
provider's back-channel logout, which ends the console sessions of a login that ended elsewhere."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from services.console.api.deps import (
    COOKIE_PATH,
    SESSION_COOKIE,
    STATE_COOKIE,
    StaffDep,
    deps_of,
    form_of,
    on_own_host,
)
from services.console.api.rendering import pages_of
from services.console.service.id_tokens import BadToken
from services.console.service.sessions import end_session, end_sessions_of_logout
from services.console.service.signin import SignInFailed, finish_sign_in, start_sign_in

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/login")
async def login(request: Request, next: str | None = None, fresh: bool = False) -> Response:
    on_own_host(request)
    deps = deps_of(request)
    started = await start_sign_in(deps, next, fresh=fresh)
    response = RedirectResponse(started.authorize_url, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        started.state,
        max_age=deps.settings.login_seconds,
        path=COOKIE_PATH,
        httponly=True,
        secure=deps.settings.secure_cookies,
        samesite="lax",  # the provider's redirect back is a top-level GET: Lax lets the cookie come along
    )
    return response


@router.get("/callback")
async def callback(request: Request, state: str = "", code: str = "", error: str = "") -> Response:
    deps = deps_of(request)
    if error:
        return _sign_in_failed(request, f"统一身份认证未完成登录（{error}）")
    try:
        signed = await finish_sign_in(deps, state=state, browser_state=request.cookies.get(STATE_COOKIE), code=code)
    except SignInFailed as exc:
        return _sign_in_failed(request, str(exc))
    response = RedirectResponse(signed.return_to, status_code=303)
    response.delete_cookie(STATE_COOKIE, path=COOKIE_PATH)
    response.set_cookie(
        SESSION_COOKIE,
        signed.cookie,
        path=COOKIE_PATH,  # a session cookie (no max-age): closing the browser ends it; the server ends it idle
        httponly=True,
        secure=deps.settings.secure_cookies,
        samesite="lax",
    )
    return response


def _sign_in_failed(request: Request, message: str) -> Response:
    response = pages_of(request).render(request, "signin_failed.html", None, status=400, message=message)
    response.delete_cookie(STATE_COOKIE, path=COOKIE_PATH)
    return response


@router.post("/logout")
async def logout(request: Request, staff: StaffDep) -> Response:
    """Out of the console, then out of the provider (RP-initiated logout), which comes back to signed-out."""
    await form_of(request, staff)
    deps = deps_of(request)
    id_token = await end_session(deps, request.cookies.get(SESSION_COOKIE))
    query = urlencode(
        {"id_token_hint": id_token or "", "post_logout_redirect_uri": deps.settings.signed_out_uri, "state": "out"}
    )
    response = RedirectResponse(f"{deps.settings.auth_issuer}/logout?{query}", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response


@router.get("/signed-out")
async def signed_out(request: Request) -> Response:
    return pages_of(request).render(request, "signed_out.html", None)


@router.post("/backchannel-logout")
async def backchannel_logout(request: Request, logout_token: str = Form("")) -> Response:
    """OIDC Back-Channel Logout §2.8: 200 once the sessions are gone, 400 for a token not to be trusted."""
    try:
        await end_sessions_of_logout(deps_of(request), logout_token)
    except BadToken as exc:
        return PlainTextResponse(str(exc), status_code=400, headers={"Cache-Control": "no-store"})
    return PlainTextResponse("", headers={"Cache-Control": "no-store"})
