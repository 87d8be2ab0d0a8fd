"""CKAN's wire format: parameters read as CKAN reads them (query string first for read actions, then a form,
then a JSON body; every value may arrive as a string), and answers in its envelope, errors with its `__type`s
and status codes — what ckanapi and the harvesters parse (they read the body, not the status)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response

from shared.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    ProblemError,
    ServiceUnavailable,
    TooManyRequests,
    Unauthenticated,
    Unprocessable,
)

TRUE = {"true", "yes", "t", "y", "1", "on"}
JSON = "application/json;charset=utf-8"


class BadRequest(Exception):
    """What CKAN answers before an action runs: a bare JSON string, status 400."""


async def parameters(request: Request) -> dict[str, Any]:
    """Query string, else form, else JSON object (CKAN's order for side-effect-free actions)."""
    if request.query_params:
        return _mixed(request.query_params.multi_items())
    content_type = request.headers.get("content-type", "")
    if "form" in content_type:
        return _mixed((k, v) for k, v in (await request.form()).multi_items() if isinstance(v, str))
    body = await request.body()
    if not body.strip():
        return {}
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"Bad request - JSON Error: Error decoding JSON data. Error: {exc}") from exc
    if not isinstance(data, dict):
        raise BadRequest(
            f"Bad request - JSON Error: Request data JSON decoded to {data!r} but it needs to be a dictionary."
        )
    return data


def _mixed(items) -> dict[str, Any]:  # noqa: ANN001 - (key, value) pairs
    """A key once: its string; repeated: the list of its strings."""
    found: dict[str, Any] = {}
    for key, value in items:
        if key in found:
            found[key] = [*found[key], value] if isinstance(found[key], list) else [found[key], value]
        else:
            found[key] = value
    return found


def boolean(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TRUE


def integer(params: dict[str, Any], name: str, default: int, *, low: int = 0, high: int | None = None) -> int:
    value = params.get(name, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(name, "应为整数（Invalid integer）") from None
    if number < low:
        raise InvalidInput(name, f"应为不小于 {low} 的整数")
    return min(number, high) if high is not None else number


def json_value(params: dict[str, Any], name: str, default: Any = None) -> Any:
    """A parameter that may come as JSON text (filters, facet.field in a query string)."""
    value = params.get(name, default)
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            raise InvalidInput(name, "不是有效的 JSON（Cannot parse JSON）") from None
    return value


def help_url(request: Request, name: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/api/3/action/help_show?name={name}"


def ok(request: Request, name: str, result: Any) -> Response:
    body = {"help": help_url(request, name), "success": True, "result": result}
    return Response(orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS), media_type=JSON)


def failed(request: Request, name: str, error: ProblemError) -> Response:
    status, payload = _ckan_error(error)
    body = {"help": help_url(request, name), "success": False, "error": payload}
    return Response(orjson.dumps(body), status_code=status, media_type=JSON)


def bad_request(message: str) -> Response:
    return Response(orjson.dumps(message), status_code=400, media_type=JSON)


def _ckan_error(error: ProblemError) -> tuple[int, dict[str, Any]]:
    """Our errors in CKAN's words: the __type decides what ckanapi raises; the message keeps our Chinese."""
    if isinstance(error, NotFound):
        return 404, {"__type": "Not Found Error", "message": f"Not found: {error.message}"}
    if isinstance(error, Forbidden | Unauthenticated):
        return 403, {"__type": "Authorization Error", "message": f"Access denied: {error.message}"}
    if isinstance(error, InvalidInput):
        fields: dict[str, list[str]] = {}
        for item in error.details or []:
            fields.setdefault(item["field"], []).append(item["message"])
        return 409, {"__type": "Validation Error", **fields}
    if isinstance(error, ServiceUnavailable | Conflict | Unprocessable | PayloadTooLarge):
        return 409, {"__type": "Validation Error", "query": [error.message]}
    if isinstance(error, TooManyRequests):
        return 429, {"__type": "Authorization Error", "message": f"Access denied: {error.message}"}
    return 500, {"__type": "Internal Server Error", "message": "Internal Server Error"}
