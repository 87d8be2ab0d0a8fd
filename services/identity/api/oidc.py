"""The OpenID Connect endpoints. Routes are thin: parse the request, call the use case, shape the answer."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from services.identity.service import authorize as authz
from services.identity.service.context import IdentityDeps
from services.identity.service.discovery import provider_metadata
from services.identity.service.errors import AuthorizeRefused, LoginFailed, OAuthError
from services.identity.service.introspection import introspect, revoke, userinfo
from services.identity.service.logout import log_out, notify
from services.identity.service.second_factor import EnrolmentNeeded, finish_enrolment
from services.identity.service.secrets import new_secret
from services.identity.service.sessions import current_session
from services.identity.service.token_grants import token_endpoint

SESSION_COOKIE = "sg_idp"
CSRF_COOKIE = "sg_idp_csrf"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _deps(request: Request) -> IdentityDeps:
    return request.app.state.deps


async def _form(request: Request) -> dict[str, str]:
    """OAuth parameters: form-encoded; a repeated parameter is an error (RFC 6749 §3.1)."""
    form = await request.form()
    repeated = [k for k in form if len(form.getlist(k)) > 1]
    if repeated:
        raise OAuthError("invalid_request", f"repeated parameter: {', '.join(repeated)}")
    return {k: str(v) for k, v in form.items()}


def _oauth_error(exc: OAuthError) -> JSONResponse:
    headers = dict(NO_STORE)
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="sitegroup"'
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


def oidc_router() -> APIRouter:
    router = APIRouter(tags=["OpenID Connect"])

    @router.get("/.well-known/openid-configuration")
    async def discovery(request: Request) -> dict[str, Any]:
        return provider_metadata(_deps(request).settings)

    @router.get("/jwks")
    async def jwks(request: Request) -> JSONResponse:
        return JSONResponse(_deps(request).keys.jwks(), headers={"Cache-Control": "public, max-age=300"})

    @router.get("/authorize", response_model=None)
    async def authorize(request: Request) -> Response:
        return await _authorize(request, dict(request.query_params))

    @router.post("/login", response_model=None)
    async def login(request: Request) -> Response:
        return await _login(request)

    @router.post("/login/enrol", response_model=None)
    async def enrol(request: Request) -> Response:
        return await _enrol(request)

    @router.post("/token")
    async def token(request: Request) -> JSONResponse:
        try:
            body = await token_endpoint(_deps(request), await _form(request), request.headers.get("authorization"))
        except OAuthError as exc:
            return _oauth_error(exc)
        return JSONResponse(body, headers=NO_STORE)

    @router.post("/introspect")
    async def introspection(request: Request) -> JSONResponse:
        try:
            body = await introspect(_deps(request), await _form(request), request.headers.get("authorization"))
        except OAuthError as exc:
            return _oauth_error(exc)
        return JSONResponse(body, headers=NO_STORE)

    @router.post("/revoke")
    async def revocation(request: Request) -> Response:
        try:
            await revoke(_deps(request), await _form(request), request.headers.get("authorization"))
        except OAuthError as exc:
            return _oauth_error(exc)
        return Response(status_code=200, headers=NO_STORE)

    @router.get("/logout", response_model=None)
    async def logout(request: Request) -> Response:
        return await _logout(request)

    @router.get("/userinfo")
    async def user_info(request: Request) -> JSONResponse:
        return await _userinfo(request)

    @router.post("/userinfo")
    async def user_info_by_post(request: Request) -> JSONResponse:
        return await _userinfo(request)

    return router


async def _logout(request: Request) -> Response:
    try:
        result = await log_out(_deps(request), request.cookies.get(SESSION_COOKIE), dict(request.query_params))
    except AuthorizeRefused as exc:
        return _page(request, "error.html", {"message": str(exc)}, status=400)
    await notify(request.app.state.http, result.notices)
    if result.redirect_to:
        response: Response = RedirectResponse(result.redirect_to, status_code=302)
    else:
        response = _page(request, "logged_out.html", {})
    response.delete_cookie(SESSION_COOKIE, path="/api/v1/identity")
    return response


async def _userinfo(request: Request) -> JSONResponse:
    scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
    claims = await userinfo(_deps(request), bearer.strip() if scheme.lower() == "bearer" else None)
    return JSONResponse(claims, headers=NO_STORE)


async def _authorize(request: Request, params: dict[str, str]) -> Response:
    deps = _deps(request)
    async with deps.uow() as uow:
        try:
            _client, authz_request = await authz.validate_request(uow, params)
        except AuthorizeRefused as exc:
            return _page(request, "error.html", {"message": str(exc)}, status=400)
        except OAuthError as exc:
            return RedirectResponse(authz.error_redirect(deps, _partial(params), exc), status_code=302)
        session = await current_session(uow, deps, request.cookies.get(SESSION_COOKIE))
        if session is None or authz_request.prompt == "login":
            if authz_request.prompt == "none":
                error = OAuthError("login_required", "the person is not signed in")
                return RedirectResponse(authz.error_redirect(deps, authz_request, error), status_code=302)
            return _login_page(request, params, None)
        target = await authz.issue_code(uow, deps, authz_request, session)
        await uow.commit()
    return RedirectResponse(target, status_code=302, headers=NO_STORE)


def _partial(params: dict[str, str]) -> authz.AuthorizeRequest:
    return authz.AuthorizeRequest(
        params["client_id"], params["redirect_uri"], "", params.get("state"), None, None, None
    )


async def _login(request: Request) -> Response:
    form = await request.form()
    fields = {k: str(v) for k, v in form.items()}
    params = {k.removeprefix("q_"): v for k, v in fields.items() if k.startswith("q_")}
    csrf = request.cookies.get(CSRF_COOKIE)
    if not csrf or fields.get("csrf") != csrf:
        return _login_page(request, params, "页面已过期，请重新登录")
    try:
        cookie, _session = await authz.log_in(
            _deps(request),
            fields.get("username", ""),
            fields.get("password", ""),
            fields.get("otp") or None,
            request.client.host if request.client else None,
        )
    except LoginFailed as exc:
        return _login_page(request, params, str(exc), status=401)
    except EnrolmentNeeded as step:
        return _page(request, "enrol.html", {"params": params, "csrf": csrf, "enrolment": step.enrolment})
    return _signed_in(request, params, cookie)


async def _enrol(request: Request) -> Response:
    form = await request.form()
    fields = {k: str(v) for k, v in form.items()}
    params = {k.removeprefix("q_"): v for k, v in fields.items() if k.startswith("q_")}
    if not request.cookies.get(CSRF_COOKIE) or fields.get("csrf") != request.cookies.get(CSRF_COOKIE):
        return _login_page(request, params, "页面已过期，请重新登录")
    try:
        cookie, _session = await finish_enrolment(_deps(request), fields.get("ticket", ""), fields.get("otp", ""))
    except LoginFailed as exc:
        return _login_page(request, params, str(exc), status=401)
    return _signed_in(request, params, cookie)


def _signed_in(request: Request, params: dict[str, str], cookie: str) -> Response:
    params.pop("prompt", None)  # signed in now: prompt=login is satisfied
    response = RedirectResponse(f"{request.url_for('authorize').path}?{urlencode(params)}", status_code=303)
    settings = _deps(request).settings
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=settings.session_seconds,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/api/v1/identity",
    )
    return response


def _login_page(request: Request, params: dict[str, str], error: str | None, status: int = 200) -> Response:
    csrf = request.cookies.get(CSRF_COOKIE) or new_secret(16)
    response = _page(request, "login.html", {"params": params, "error": error, "csrf": csrf}, status=status)
    settings = _deps(request).settings
    response.set_cookie(
        CSRF_COOKIE, csrf, httponly=True, secure=settings.cookie_secure, samesite="strict", path="/api/v1/identity"
    )
    return response


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    body = request.app.state.templates.get_template(template).render(context)
    headers = NO_STORE | {"X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'"}
    return HTMLResponse(body, status_code=status, headers=headers)
