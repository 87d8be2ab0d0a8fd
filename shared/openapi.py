"""What a service's OpenAPI document says besides FastAPI's defaults: the error answers each operation really
gives (in our envelope, not FastAPI's `HTTPValidationError`), and who may call it (bearer tokens)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

PROBLEM = "Problem"
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": PROBLEM,
    "description": "每个错误的统一信封：稳定的机器码、中文说明、逐字段的细节",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "稳定的机器码，如 needs_role、not_found、invalid_input"},
                "message": {"type": "string", "description": "给人看的中文说明，指明出错之处"},
                "details": {"description": "逐字段的细节（输入有误时为 [{field, message}]）"},
            },
        }
    },
}
DESCRIPTIONS = {
    "401": "未登录或访问令牌无效、过期、已撤销（unauthenticated、token_revoked）",
    "403": "已登录但无权进行此操作（needs_role、forbidden）",
    "404": "路径所指的对象不存在，或不在调用者可见的范围内",
    "409": "与现状冲突：状态不允许、重复、或同时有其他修改（concurrent_change，可重试）",
    "400": "请求体无法解析（须为 UTF-8 编码的 JSON 或表单）",
    "413": "请求体超过该接口的大小上限",
    "422": "输入有误：details 逐一列出出错的字段",
}
WRITES = {"post", "put", "patch", "delete"}
BEARER = {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (RFC 9068 at+jwt)"}}


def describe_errors(app: FastAPI, *, principal_dependency: Any, declared: dict[str, tuple[int, ...]] | None = None):
    """Make `app.openapi()` list, per operation, the statuses it can answer besides success: 401/403 where a
    bearer token is needed, 404 for a path naming something, 422 for any input, 413 for a body, 409 for a
    write; `declared` adds statuses particular to operations (operationId → statuses)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})[PROBLEM] = PROBLEM_SCHEMA
        components.setdefault("securitySchemes", {}).update(BEARER)
        for route in _documented(app):
            for method in route.methods - {"HEAD"}:
                operation = schema["paths"][route.path_format][method.lower()]
                if _is_page(operation):
                    continue  # a page for people answers in HTML and documents its own answers
                secured = _needs(route.dependant, principal_dependency)
                if secured:
                    operation["security"] = [{"bearerAuth": []}]
                statuses = _statuses(route, method.lower(), operation, secured)
                statuses |= set(map(str, (declared or {}).get(operation["operationId"], ())))
                _add(operation["responses"], statuses)
        components["schemas"].pop("HTTPValidationError", None)
        components["schemas"].pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _documented(app: FastAPI) -> Iterator[Any]:
    """The operations of the document (FastAPI includes routers lazily: their routes come as contexts)."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and context.include_in_schema:
            yield context


def _is_page(operation: dict[str, Any]) -> bool:
    success = operation["responses"].get("200", {}).get("content", {})
    return bool(success) and set(success) == {"text/html"}


def _needs(dependant: Dependant, call: Any) -> bool:
    return any(d.call is call or _needs(d, call) for d in dependant.dependencies)


def _statuses(route: Any, method: str, operation: dict[str, Any], secured: bool) -> set[str]:
    statuses = {"422"} if operation.get("parameters") or operation.get("requestBody") else set()
    if secured:
        statuses |= {"401", "403"}
    if "{" in route.path:  # a path naming something (its parameter may be read by a dependency, not the route)
        statuses.add("404")
    if operation.get("requestBody"):
        statuses |= {"400", "413"}
    if method in WRITES:
        statuses.add("409")
    return statuses


def _add(responses: dict[str, Any], statuses: set[str]) -> None:
    """Every error status in the envelope, unless the route gave its own shape (the OAuth endpoints); a
    description a route gave stays (FastAPI's own 422 one goes)."""
    envelope = {"application/json": {"schema": {"$ref": f"#/components/schemas/{PROBLEM}"}}}
    for status in sorted(statuses | {s for s in responses if s[0] in "45"}):
        given = responses.get(status, {}) if status != "422" else {}
        description = given.get("description") or DESCRIPTIONS.get(status, "错误")
        responses[status] = {"description": description, "content": given.get("content") or envelope}
