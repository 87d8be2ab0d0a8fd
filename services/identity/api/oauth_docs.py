"""How the OpenAPI document describes the OAuth 2.0 endpoints: form bodies (RFC 6749 §3.2), their own error
shape (`{"error", "error_description"}`, §5.2), and client authentication (HTTP Basic or the form)."""

from __future__ import annotations

from typing import Any

OAUTH_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "string",
            "description": "invalid_request、invalid_client、invalid_grant、…（RFC 6749 §5.2）",
        },
        "error_description": {"type": "string", "description": "ASCII English, as RFC 6749 requires"},
    },
}
CLIENT = ("client_id", "client_secret")


def _form(*names: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema = {"type": "object", "properties": {n: {"type": "string"} for n in names}, "required": list(required)}
    return {"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": OAUTH_ERROR}}}


CLIENT_REFUSED = _error("客户端认证失败（invalid_client）：密钥不对，或公共客户端访问了仅限机密客户端的端点")
TOKEN: dict[str, Any] = {
    "summary": "令牌端点：授权码（PKCE）、刷新令牌（轮换）、客户端凭据",
    "responses": {
        400: _error("请求或授权无效（invalid_grant、invalid_scope、unsupported_grant_type…）"),
        401: CLIENT_REFUSED,
    },
    "openapi_extra": _form(
        "grant_type",
        "code",
        "redirect_uri",
        "code_verifier",
        "refresh_token",
        "scope",
        *CLIENT,
        required=("grant_type",),
    ),
}
INTROSPECT: dict[str, Any] = {
    "summary": "令牌自省（RFC 7662）：仅限已认证的机密客户端",
    "responses": {400: _error("请求无效"), 401: CLIENT_REFUSED},
    "openapi_extra": _form("token", "token_type_hint", *CLIENT, required=("token",)),
}
REVOKE: dict[str, Any] = {
    "summary": "撤销令牌（RFC 7009）：各服务在数秒内拒绝被撤销的访问令牌",
    "responses": {400: _error("请求无效"), 401: CLIENT_REFUSED},
    "openapi_extra": _form("token", "token_type_hint", *CLIENT, required=("token",)),
}
USERINFO: dict[str, Any] = {
    "summary": "用户信息（OIDC Core §5.3）：带 openid 范围的访问令牌",
    "responses": {401: {"description": "缺少访问令牌，或令牌无效、过期、已撤销（统一错误信封）"}},
}
