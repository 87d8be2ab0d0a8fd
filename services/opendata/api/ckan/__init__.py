"""The CKAN Action API, at /api/action/{name} and /api/3/action/{name}: what CKAN's clients (ckanapi, the
harvesters, a portal's own scripts) call, answered from this portal's catalogue and datastore."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.opendata.api.ckan.actions import ACTIONS, SQL_ACTIONS, Call
from services.opendata.api.ckan.transport import BadRequest, bad_request, failed, ok, parameters
from services.opendata.api.deps import get_reader
from services.opendata.service.context import OpendataDeps
from shared.errors import ProblemError
from shared.web import PlainRoute

router = APIRouter(tags=["opendata/ckan"])
CKAN_ERRORS = {
    400: {"description": "no such action, or a body that is not a JSON object (a bare JSON string, as CKAN answers)"},
    403: {"description": "Authorization Error: a key not valid, or data not open to the caller"},
    404: {"description": "Not Found Error"},
    409: {"description": "Validation Error: each parameter at fault named"},
    429: {"description": "over the key's quota"},
}
DESCRIPTION = (
    "CKAN 兼容的 Action API（与 CKAN 2.11 相同的请求与应答格式）：package_search、package_show、package_list、"
    "organization_list、organization_show、group_list、tag_list、resource_show、datastore_search、datastore_info、"
    "status_show，以及平台开放时的 datastore_search_sql。密钥放在 Authorization 或 X-CKAN-API-Key 头中。"
)


async def call_action(name: str, request: Request) -> Response:
    """The action's use case, as FastAPI declares it (what the OpenAPI document shows)."""
    return await serve_action(request)


async def serve_action(request: Request) -> Response:
    # The busiest route of the portal: served by a plain Starlette route (plain_routes), the app's state read
    # directly; each dependency FastAPI solves costs more than the datastore's answer to an indexed search.
    name = request.path_params["name"]
    state = request.app.state
    deps: OpendataDeps = state.deps
    action = ACTIONS.get(name) or (SQL_ACTIONS.get(name) if deps.settings.sql_enabled else None)
    if action is None:
        return bad_request(f"Bad request - Action name not known: {name}")
    try:
        params = await parameters(request)
        reader = await get_reader(request)
        result = await action(Call(request, deps, reader, state.catalogue, state.data, params))
    except BadRequest as exc:
        return bad_request(str(exc))
    except ProblemError as exc:
        return failed(request, name, exc)
    return ok(request, name, result)


PREFIXES = ("/api/action", "/api/3/action")


def plain_routes() -> list[PlainRoute]:
    """The routes that serve the actions, placed before FastAPI's (shared.web.serve_first)."""
    return [PlainRoute(prefix + "/{name}", serve_action, methods=["GET", "POST"]) for prefix in PREFIXES]


for prefix in PREFIXES:
    for method in ("GET", "POST"):  # a route per method: one operation id each in the OpenAPI document
        router.add_api_route(
            prefix + "/{name}", call_action, methods=[method], summary="CKAN action", description=DESCRIPTION,
            response_class=Response, include_in_schema=prefix == "/api/3/action", responses=CKAN_ERRORS,
            name=f"ckan_action_{method.lower()}",
        )  # fmt: skip
