"""What console routes ask for: the signed-in person (or a redirect to sign in), and forms that carry the
session's CSRF token and come from the console's own origin."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse

from services.console.service.context import ConsoleDeps
from services.console.service.sessions import SessionEnded, Staff, current_staff

SESSION_COOKIE = "sg_console"
STATE_COOKIE = "sg_console_state"
COOKIE_PATH = "/console"


class SignInNeeded(Exception):
    def __init__(self, return_to: str, *, fresh: bool = False) -> None:
        self.return_to, self.fresh = return_to, fresh


class ElsewhereHost(Exception):
    """The console was asked for on a site's host: it lives on the platform's own (its cookies are there)."""

    def __init__(self, url: str) -> None:
        self.url = url


class FormRefused(Exception):
    """A POST without the session's CSRF token or from another origin: nothing is done."""


def deps_of(request: Request) -> ConsoleDeps:
    return request.app.state.deps


def on_own_host(request: Request) -> None:
    public = deps_of(request).settings.public_url
    if request.method == "GET" and request.url.netloc != public.split("://", 1)[1]:
        raise ElsewhereHost(public + request.url.path + (f"?{request.url.query}" if request.url.query else ""))


async def signed_in(request: Request) -> Staff:
    on_own_host(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    here = here if request.method == "GET" else "/console/"
    try:
        staff = await current_staff(deps_of(request), request.cookies.get(SESSION_COOKIE))
    except SessionEnded:
        raise SignInNeeded(here, fresh=True) from None
    if staff is None:
        raise SignInNeeded(here)
    return staff


async def form_of(request: Request, staff: Staff) -> dict[str, str]:
    """The posted form, once its CSRF token and origin are checked (a file field is never read here)."""
    origin = request.headers.get("origin")
    if origin is not None and origin != deps_of(request).settings.public_url:
        raise FormRefused(f"表单来自其他来源（{origin}），未处理")
    form = await request.form()
    if not secrets.compare_digest(str(form.get("csrf", "")), staff.csrf):
        raise FormRefused("表单已失效（页面停留过久或在别处退出过），请返回刷新后重试")
    return {key: value for key, value in form.items() if isinstance(value, str)}


def done_at(path: str, message: str) -> RedirectResponse:
    """After a POST, to the page that shows its result, with a line saying what was done (POST/redirect/GET)."""
    joint = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{joint}done={quote(message)}", status_code=303)


def sign_in_url(return_to: str, *, fresh: bool = False) -> str:
    return f"/console/login?next={quote(return_to, safe='')}" + ("&fresh=1" if fresh else "")


StaffDep = Annotated[Staff, Depends(signed_in)]
