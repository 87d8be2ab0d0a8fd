"""How the OpenAPI document describes the provider's pages: HTML for people, redirects for their browsers
(the routes read the query and form themselves, so their parameters are written out here)."""

from __future__ import annotations

from typing import Any

HTML = {"text/html": {"schema": {"type": "string"}}}


def _query(*names: tuple[str, str, bool]) -> list[dict[str, Any]]:
    return [
        {"name": n, "in": "query", "required": required, "description": d, "schema": {"type": "string"}}
        for n, d, required in names
    ]


def _form(*names: tuple[str, str]) -> dict[str, Any]:
    properties = {n: {"type": "string", "description": d} for n, d in names}
    schema = {"type": "object", "properties": properties, "required": ["csrf"]}
    return {"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}}


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": HTML}


def _redirect(description: str) -> dict[str, Any]:
    return {"description": description, "headers": {"Location": {"schema": {"type": "string"}}}}


_REQUEST = ("q_*", "授权请求的各参数（client_id、redirect_uri、scope、state、nonce、code_challenge…），页面原样带回")
BACK = "回到客户端登记的 redirect_uri，带 code 与 state（或 error 与 error_description）"
AUTHORIZE: dict[str, Any] = {
    "summary": "授权端点（OIDC）：登录页或同意页，已登录时直接带授权码跳回",
    "responses": {
        200: _html("登录页或同意页（HTML）"),
        302: _redirect(BACK),
        400: _html("无法安全跳回的请求（未登记的 client_id 或 redirect_uri），页面说明原因"),
    },
    "openapi_extra": {
        "parameters": _query(
            ("client_id", "登记的客户端", True),
            ("redirect_uri", "客户端登记过的回调地址之一", True),
            ("response_type", "code", True),
            ("scope", "openid 及 profile、email、phone、offline_access", True),
            ("state", "客户端的防伪值，原样带回", False),
            ("nonce", "放进 ID 令牌的防重放值", False),
            ("code_challenge", "PKCE（RFC 7636），公共客户端必填", False),
            ("code_challenge_method", "S256", False),
            ("prompt", "login 或 consent 或 none", False),
            ("max_age", "登录距今的最长秒数", False),
        )
    },
}
LOGIN: dict[str, Any] = {
    "summary": "登录表单提交（用户名、密码，需要时动态口令）",
    "responses": {
        200: _html("再次显示登录页并说明错误（密码错误、账号锁定、页面过期）"),
        303: _redirect("登录成功：回到授权端点继续"),
    },
    "openapi_extra": _form(
        ("username", "用户名"),
        ("password", "密码"),
        ("otp", "动态口令（开启双因素时）"),
        ("csrf", "页面的防伪值"),
        _REQUEST,
    ),
}
ENROL: dict[str, Any] = {
    "summary": "首次登录绑定动态口令（TOTP）",
    "responses": {200: _html("绑定页，或说明口令不对"), 303: _redirect("绑定成功：回到授权端点继续")},
    "openapi_extra": _form(("otp", "身份验证器显示的动态口令"), ("csrf", "页面的防伪值"), _REQUEST),
}
CONSENT: dict[str, Any] = {
    "summary": "同意或拒绝向客户端提供所列信息",
    "responses": {200: _html("页面过期时再次显示同意页"), 302: _redirect(BACK)},
    "openapi_extra": _form(("decision", "allow 或 deny"), ("csrf", "页面的防伪值"), _REQUEST),
}
LOGOUT: dict[str, Any] = {
    "summary": "退出登录（OIDC RP-Initiated Logout），并通知各客户端（back-channel）",
    "responses": {
        200: _html("已退出页面"),
        302: _redirect("回到客户端登记的 post_logout_redirect_uri（带 state）"),
        400: _html("退出请求无效（id_token_hint 或回跳地址不对），页面说明原因"),
    },
    "openapi_extra": {
        "parameters": _query(
            ("id_token_hint", "此前签发的 ID 令牌（可已过期）", False),
            ("client_id", "客户端", False),
            ("post_logout_redirect_uri", "登记过的退出后回跳地址", False),
            ("state", "原样带回", False),
        )
    },
}
