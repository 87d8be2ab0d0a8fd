"""How every failure leaves a service: the one error envelope, with Chinese messages — validation errors name
each offending field and say what is wrong with it in words a 网站办 reads, by pydantic's error type."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import ProblemError, error_envelope


def install_error_handlers(app: FastAPI) -> None:
    """Every failure leaves as the one envelope; validation errors name each offending field."""

    @app.exception_handler(ProblemError)
    async def on_problem(_request: Request, exc: ProblemError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(exc.envelope(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [_field_error(err) for err in exc.errors()]
        fields = ", ".join(dict.fromkeys(d["field"] for d in details))
        return JSONResponse(error_envelope("invalid_input", f"输入有误：{fields}", details), status_code=422)

    @app.exception_handler(DBAPIError)
    async def on_database(_request: Request, exc: DBAPIError) -> JSONResponse:
        """Two transactions that had to wait for each other in a circle (PostgreSQL aborts one) or could not be
        ordered: nothing was written, and trying again succeeds. Any other database failure is a 500."""
        if getattr(exc.orig, "sqlstate", None) not in RETRYABLE_SQLSTATES:
            raise exc
        message = "同时有其他修改，本次未保存，请重试"
        return JSONResponse(error_envelope("concurrent_change", message), status_code=409, headers={"Retry-After": "1"})

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = _http_message(request, exc)
        return JSONResponse(error_envelope(code, message), status_code=exc.status_code, headers=exc.headers)


RETRYABLE_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure
_HTTP_CODES = {
    400: "unreadable_body",  # FastAPI's own 400: a body that is not UTF-8 (or a form it cannot parse)
    401: "unauthenticated",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


def _http_message(request: Request, exc: StarletteHTTPException) -> str:
    """Starlette's own refusals (an unknown path, a method the route lacks) in Chinese; a chosen detail is kept."""
    try:
        default = HTTPStatus(exc.status_code).phrase
    except ValueError:
        default = None
    if exc.detail == default and exc.status_code == 404:
        return f"请求的地址 {request.url.path} 不存在"
    if exc.detail == default and exc.status_code == 405:
        return f"地址 {request.url.path} 不支持 {request.method} 请求"
    if exc.status_code == 400 and str(exc.detail).startswith("There was an error parsing the body"):
        return "请求体无法解析：须为 UTF-8 编码的 JSON 或表单"
    return str(exc.detail)


# The message of each detail, by pydantic's error type, filled from the error's `ctx`; other types keep
# pydantic's own (English) `msg`. The detail's `field` names the place, so a message does not repeat it.
_TYPE_MESSAGES: dict[str, str] = {
    "missing": "缺少必填项",
    "extra_forbidden": "不支持该字段",
    "string_too_short": "至少需要 {min_length} 个字符",
    "string_too_long": "不能超过 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确，须匹配 {pattern}",
    "string_type": "须为字符串",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "不能超过 {max_length} 项",
    "greater_than": "须大于 {gt}",
    "greater_than_equal": "须大于或等于 {ge}",
    "less_than": "须小于 {lt}",
    "less_than_equal": "须小于或等于 {le}",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "int_from_float": "须为整数，不能带小数",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "bool_parsing": "须为布尔值（true 或 false）",
    "bool_type": "须为布尔值（true 或 false）",
    "literal_error": "须为以下值之一：{expected}",
    "enum": "须为以下值之一：{expected}",
    "date_parsing": "须为有效日期，格式为 YYYY-MM-DD",
    "date_from_datetime_parsing": "须为有效日期，格式为 YYYY-MM-DD",
    "date_type": "须为有效日期，格式为 YYYY-MM-DD",
    "datetime_parsing": "须为有效的日期时间（ISO 8601，如 2024-05-01T09:30:00+08:00）",
    "datetime_from_date_parsing": "须为有效的日期时间（ISO 8601，如 2024-05-01T09:30:00+08:00）",
    "datetime_type": "须为有效的日期时间（ISO 8601，如 2024-05-01T09:30:00+08:00）",
    "uuid_parsing": "须为有效的 UUID",
    "uuid_type": "须为有效的 UUID",
    "url_parsing": "须为有效的网址（URL）",
    "url_type": "须为有效的网址（URL）",
    "dict_type": "须为 JSON 对象",
    "list_type": "须为 JSON 数组",
    "model_type": "须为 JSON 对象",
    "model_attributes_type": "须为 JSON 对象",
}
# Python's json module's reasons (FastAPI parses request bodies with it); any other reason is shown as it is.
_JSON_REASONS = {
    "Expecting value": "缺少值",
    "Expecting property name enclosed in double quotes": "属性名须用双引号括起",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Extra data": "有多余内容",
    "Unterminated string starting at": "字符串没有结束",
    "Invalid control character at": "含有无效的控制字符",
    "Invalid \\escape": "含有无效的转义序列",
    "Illegal trailing comma before end of object": "对象末尾多了逗号",
    "Illegal trailing comma before end of array": "数组末尾多了逗号",
}
_ALTERNATIVES = re.compile(r"(?<=['\d])(?:, | or )(?=['\d-])")  # pydantic's "'a', 'b' or 'c'"


def _field_error(err: dict[str, Any]) -> dict[str, str]:
    if err["type"] == "json_invalid":
        reason = err.get("ctx", {}).get("error", "malformed")
        message = f"JSON 格式有误：{_JSON_REASONS.get(reason, reason)}（位置 {err['loc'][-1]}）"
        return {"field": "body", "message": message, "type": err["type"]}
    return {"field": ".".join(str(p) for p in err["loc"]), "message": _field_message(err), "type": err["type"]}


def _field_message(err: dict[str, Any]) -> str:
    """Chinese for the common types; a validator's own ValueError message as it was raised."""
    if err["type"] == "value_error":
        return err["msg"].removeprefix("Value error, ")
    template = _TYPE_MESSAGES.get(err["type"])
    if template is None:
        return err["msg"]
    ctx = dict(err.get("ctx") or {})
    if "expected" in ctx:
        ctx["expected"] = _ALTERNATIVES.sub("、", str(ctx["expected"]))
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):  # a ctx without the expected values: pydantic's own words
        return err["msg"]
