"""The provider's pages a person sees: authorize (login, consent), second-factor enrolment, logout. Forms
carry the authorization request as q_* fields and a double-submit CSRF token."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.identity.api import page_docs
from services.identity.api.deps import deps_of, http_of, templates_of
from services.identity.api.oidc import NO_STORE
from services.identity.service import authorize as authz
from services.identity.service.authorization import Authorization, decline
from services.identity.service.authorization import authorize as authorize_request
from services.identity.service.consent import record_consent
from services.identity.service.errors import AuthorizeRefused, LoginFailed
from services.identity.service.logout import log_out, notify
from services.identity.service.second_factor import EnrolmentNeeded, finish_enrolment
from services.identity.service.secrets import digest, new_secret
from shared.page_headers import page_headers

TEMPLATES = Path(__file__).parents[1] / "templates"
SESSION_COOKIE = "sg_idp"
CSRF_COOKIE = "sg_idp_csrf"
COOKIE_PATH = "/api/v1/identity"


router = APIRouter(tags=["OpenID Connect pages"])


@router.get("/authorize", response_model=None, response_class=HTMLResponse, **page_docs.AUTHORIZE)
async def authorize(request: Request) -> Response:
    return await _authorize(request, dict(request.query_params))


@router.post("/login", response_model=None, response_class=HTMLResponse, **page_docs.LOGIN)
async def login(request: Request) -> Response:
    return await _login(request)


@router.post("/login/enrol", response_model=None, response_class=HTMLResponse, **page_docs.ENROL)
async def enrol(request: Request) -> Response:
    return await _enrol(request)


@router.post("/consent", response_model=None, response_class=HTMLResponse, **page_docs.CONSENT)
async def consent(request: Request) -> Response:
    return await _consent(request)


@router.get("/logout", response_model=None, response_class=HTMLResponse, **page_docs.LOGOUT)
async def logout(request: Request) -> Response:
    return await _logout(request)


async def _authorize(request: Request, params: dict[str, str]) -> Response:
    decision = await authorize_request(deps_of(request), params, request.cookies.get(SESSION_COOKIE))
    return _answer(request, params, decision)


def _answer(request: Request, params: dict[str, str], decision: Authorization) -> Response:
    """The authorization endpoint's decision as a response: the redirect, or the page with its form."""
    if decision.redirect_to is not None:
        return RedirectResponse(decision.redirect_to, status_code=302, headers=NO_STORE)
    if decision.page == "login":
        return form_page(request, "login.html", params, {"error": None})
    if decision.page == "consent":
        context = {"client_name": decision.client_name, "scopes": decision.scopes}
        return form_page(request, "consent.html", params, context)
    return page(request, "error.html", {"message": decision.message}, status=400)


async def _posted(request: Request) -> tuple[dict[str, str], dict[str, str], bool]:
    """The form's fields, the authorization request it carries, and whether its CSRF token is right."""
    form = await request.form()
    fields = {k: str(v) for k, v in form.items()}
    params = {k.removeprefix("q_"): v for k, v in fields.items() if k.startswith("q_")}
    csrf = request.cookies.get(CSRF_COOKIE)
    return fields, params, bool(csrf) and fields.get("csrf") == csrf


async def _login(request: Request) -> Response:
    fields, params, fresh = await _posted(request)
    if not fresh:
        return form_page(request, "login.html", params, {"error": "页面已过期，请重新登录"})
    ip = request.client.host if request.client else None
    try:
        cookie, _ = await authz.log_in(
            deps_of(request), fields.get("username", ""), fields.get("password", ""), fields.get("otp") or None, ip
        )
    except LoginFailed as exc:
        return form_page(request, "login.html", params, {"error": str(exc)}, status=401)
    except EnrolmentNeeded as step:
        return form_page(request, "enrol.html", params, {"enrolment": step.enrolment})
    return _signed_in(request, params, cookie)


async def _enrol(request: Request) -> Response:
    fields, params, fresh = await _posted(request)
    if not fresh:
        return form_page(request, "login.html", params, {"error": "页面已过期，请重新登录"})
    try:
        cookie, _ = await finish_enrolment(deps_of(request), fields.get("ticket", ""), fields.get("otp", ""))
    except LoginFailed as exc:
        return form_page(request, "login.html", params, {"error": str(exc)}, status=401)
    return _signed_in(request, params, cookie)


async def _consent(request: Request) -> Response:
    fields, params, fresh = await _posted(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not fresh or not cookie:
        return form_page(request, "login.html", params, {"error": "页面已过期，请重新登录"})
    deps = deps_of(request)
    if fields.get("decision") != "allow":
        return _answer(request, params, await decline(deps, params))
    await record_consent(deps, digest(cookie), params.get("client_id", ""), params.get("scope", ""))
    params.pop("prompt", None)
    return RedirectResponse(f"{request.url_for('authorize').path}?{urlencode(params)}", status_code=303)


def _signed_in(request: Request, params: dict[str, str], cookie: str) -> Response:
    params.pop("prompt", None)  # signed in now: prompt=login is satisfied
    response = RedirectResponse(f"{request.url_for('authorize').path}?{urlencode(params)}", status_code=303)
    settings = deps_of(request).settings
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=settings.session_seconds,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path=COOKIE_PATH,
    )
    return response


async def _logout(request: Request) -> Response:
    try:
        result = await log_out(deps_of(request), request.cookies.get(SESSION_COOKIE), dict(request.query_params))
    except AuthorizeRefused as exc:
        return page(request, "error.html", {"message": str(exc)}, status=400)
    await notify(http_of(request), result.notices)
    if result.redirect_to:
        response: Response = RedirectResponse(result.redirect_to, status_code=302)
    else:
        response = page(request, "logged_out.html", {})
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response


def form_page(
    request: Request, template: str, params: dict[str, str], context: dict[str, Any], status: int = 200
) -> Response:
    """A page with a form: it carries the request and the CSRF token (set as a cookie alongside)."""
    csrf = request.cookies.get(CSRF_COOKIE) or new_secret(16)
    response = page(request, template, context | {"params": params, "csrf": csrf}, status=status)
    settings = deps_of(request).settings
    response.set_cookie(
        CSRF_COOKIE, csrf, httponly=True, secure=settings.cookie_secure, samesite="strict", path=COOKIE_PATH
    )
    return response


def page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    body = templates_of(request).get_template(template).render(context)
    return HTMLResponse(body, status_code=status, headers=NO_STORE | _security_headers())


@functools.cache
def _security_headers() -> dict[str, str]:
    """Never framed (clickjacking a login); base.html's one inline style allowed by its hash; no form-action: a
    login form's answer redirects on to the client, which Chromium checks against form-action too."""
    style = re.search(r"<style>(.*?)</style>", (TEMPLATES / "base.html").read_text(encoding="utf-8"), re.S)
    headers = page_headers(styles=[style.group(1)], frame_ancestors="'none'", form_action=False)
    return {name.decode(): value.decode() for name, value in headers}
