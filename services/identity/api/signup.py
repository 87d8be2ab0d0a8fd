"""Signing up at the provider: a citizen or a legal person (法人) makes an account on a page, then goes on where
they came from — most often the login they left to sign up, or the developer centre."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from services.identity.api.deps import deps_of
from services.identity.api.pages import CSRF_COOKIE, form_page, page
from services.identity.api.public import PublicRegistration
from services.identity.service import public_accounts
from shared.errors import ProblemError

router = APIRouter(tags=["OpenID Connect pages"])
FIELDS = ("kind", "username", "name", "password", "credit_code", "email", "phone")
LABELS = {"username": "用户名", "name": "姓名或单位名称", "password": "密码", "credit_code": "统一社会信用代码",
          "email": "电子邮箱", "phone": "手机号码", "kind": "账号类型"}  # fmt: skip


@router.get("/signup", response_model=None, response_class=HTMLResponse, summary="The sign-up page")
async def signup_page(request: Request, next: str = "") -> Response:
    context = {"values": {"kind": "citizen"}, "errors": {}, "next": _safe(next)}
    return form_page(request, "signup.html", {}, context | _rules(request))


REFUSED = {
    400: {"description": "the page's form expired (its CSRF token is missing or wrong): shown again"},
    409: {"description": "the username or credit code is taken: shown beside the field"},
    422: {"description": "a field is missing or malformed: shown beside it"},
}


@router.post("/signup", response_model=None, response_class=HTMLResponse, summary="Sign up (the page's form)",
             responses=REFUSED)  # fmt: skip
async def signup(request: Request) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    values, back = {k: form.get(k, "").strip() for k in FIELDS}, _safe(form.get("next", ""))
    context: dict[str, Any] = {"values": values, "next": back, "errors": {}} | _rules(request)
    if not form.get("csrf") or form.get("csrf") != request.cookies.get(CSRF_COOKIE):
        context["errors"] = {"form": "页面已过期，请重新提交"}
        return form_page(request, "signup.html", {}, context, status=400)
    try:
        data = PublicRegistration(
            **{k: v or None for k, v in values.items() if k != "password"}, password=values["password"]
        )
        account = await public_accounts.register_public(deps_of(request), **_fields(data))
    except ValidationError as exc:
        context["errors"] = {str(e["loc"][0]): _said(e) for e in exc.errors()}
        return form_page(request, "signup.html", {}, context, status=422)
    except ProblemError as exc:
        field = (exc.details or [{}])[0].get("field", "form") if isinstance(exc.details, list) else "form"
        context["errors"] = {field: exc.message.split(": ", 1)[-1]}
        return form_page(request, "signup.html", {}, context, status=exc.status)
    return page(request, "signed_up.html", {"name": account.name, "username": account.username, "next": back})


def _rules(request: Request) -> dict[str, Any]:
    return {"password_min": deps_of(request).settings.password_min_length}


def _fields(data: PublicRegistration) -> dict[str, Any]:
    keep = ("kind", "username", "password", "name", "credit_code", "email", "phone")
    return {k: getattr(data, k) for k in keep}


def _said(error: dict[str, Any]) -> str:
    field = str(error["loc"][0])
    return (
        f"{LABELS.get(field, field)}格式不正确" if error["type"] != "missing" else f"请填写{LABELS.get(field, field)}"
    )


def _safe(target: str) -> str:
    """Only a path of this platform (never another site: no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\\\" not in target else ""
