"""个人中心 → 开发者: a registered developer's applications and their API keys for the open-data portal — an
application created, a key issued (shown once: the platform keeps only its hash) or revoked, each key's calls and
downloads of the last 30 days, the 有条件开放 applications' decisions, and how to call."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import china_time, pages_of
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff

router = APIRouter(prefix="/console/account/developer", include_in_schema=False)
APPS = "/api/v1/identity/apps"
HERE = "/console/account/developer"
AppId = Annotated[str, Path(pattern=r"^app-[0-9a-f]{12}$")]
KeyId = Annotated[str, Path(pattern=r"^[a-z0-9]{12}$")]
DEFAULT_PER_MINUTE = 600
USAGE = "/api/v1/opendata/my/usage"  # every key of the signed-in developer, counted by the open-data portal
REQUESTS = "/api/v1/opendata/my/access-requests"
USAGE_DAYS = 30


@router.get("")
async def developer(request: Request, staff: StaffDep) -> Response:
    return await _page(request, staff)


@router.post("")
async def create_app(request: Request, staff: StaffDep) -> Response:
    form = await form_of(request, staff)
    body = {"name": form.get("name", "").strip(), "description": form.get("description", "").strip()}
    try:
        made = await deps_of(request).api.call(staff.token, "POST", APPS, json=body)
    except ApiError as exc:
        if exc.status not in (403, 422):
            raise
        errors = {"app-" + k if k else "app": v for k, v in exc.beside_fields().items()}
        return await _page(request, staff, errors=errors, values=form, status=exc.status)
    return done_at(HERE, f"已创建应用“{made['name']}”")


@router.post("/{app_id}/keys")
async def issue_key(request: Request, staff: StaffDep, app_id: AppId) -> Response:
    """The key is in this one answer only (never in an address, never stored by the console)."""
    form = await form_of(request, staff)
    text = form.get("per_minute", "").strip() or str(DEFAULT_PER_MINUTE)
    if not text.isdigit() or not 1 <= int(text) <= 6000:
        return await _page(request, staff, errors={app_id: "每分钟限额须为 1 至 6000 的整数"}, status=422)
    path = f"{APPS}/{app_id}/keys"
    try:
        issued = await deps_of(request).api.call(staff.token, "POST", path, json={"per_minute": int(text)})
    except ApiError as exc:
        if exc.status not in (403, 404, 422):
            raise
        return await _page(request, staff, errors={app_id: exc.message}, status=exc.status)
    return await _page(request, staff, issued=issued | {"application_id": app_id})


@router.post("/{app_id}/keys/{key_id}/revoke")
async def revoke_key(request: Request, staff: StaffDep, app_id: AppId, key_id: KeyId) -> Response:
    await form_of(request, staff)
    await deps_of(request).api.call(staff.token, "DELETE", f"{APPS}/{app_id}/keys/{key_id}")
    return done_at(HERE, f"已撤销密钥 {key_id}")


async def _page(
    request: Request,
    staff: Staff,
    *,
    issued: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    deps = deps_of(request)
    usage = await deps.api.call(staff.token, "GET", USAGE, params={"days": USAGE_DAYS})
    requests = await deps.api.call(staff.token, "GET", REQUESTS)
    apps = [_app(app, _per_key(usage)) for app in await deps.api.call(staff.token, "GET", APPS)]
    return pages_of(request).render(
        request, "opendata/developer.html", staff, status=status, apps=apps, issued=issued, errors=errors or {},
        values=values or {}, platform=deps.settings.public_url, default_per_minute=DEFAULT_PER_MINUTE,
        requests=requests, days=USAGE_DAYS, names={app["id"]: app["name"] for app in apps},
    )  # fmt: skip


def _per_key(usage: list[dict[str, Any]]) -> dict[str, Counter]:
    """The open-data portal's count of each key's calls and downloads over the days asked."""
    found: dict[str, Counter] = defaultdict(Counter)
    for row in usage:
        found[row["key_id"]][row["kind"]] += row["count"]
    return found


def _app(app: dict[str, Any], usage: dict[str, Counter]) -> dict[str, Any]:
    """An application with its keys' moments in Beijing time and their counts, live keys first."""
    keys = [
        key | {"created": china_time(key["created_at"]), "revoked": china_time(key["revoked_at"]),
               "last_used": china_time(key["last_used_at"]), "calls": usage[key["id"]]["api"],
               "downloads": usage[key["id"]]["download"]}
        for key in app["keys"]
    ]  # fmt: skip
    return app | {"keys": sorted(keys, key=lambda k: (k["revoked_at"] is not None, k["created_at"]))}
