"""个人中心 pages: my letters across the sites, each with its 查询码 and a link to follow it on its site."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import china_time, pages_of
from services.console.registry import Waiting
from services.console.service.context import ConsoleDeps
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff

router = APIRouter(prefix="/console/account", include_in_schema=False)
MY_LETTERS = "/api/v1/interaction/my/letters"
FINISHED = ("replied", "closed", "rejected")


@router.get("/letters")
async def my_letters(request: Request, staff: StaffDep) -> Response:
    return await _letters_page(request, staff, problem="", code="")


@router.post("/letters")
async def claim_letter(request: Request, staff: StaffDep) -> Response:
    """A letter sent from a site's form (no account there) joins this account by its 查询码."""
    form = await form_of(request, staff)
    code = form.get("tracking_code", "").strip()
    try:
        await deps_of(request).api.call(staff.token, "POST", MY_LETTERS, json={"tracking_code": code})
    except ApiError as exc:
        if exc.status not in (404, 409, 422):
            raise
        problem = "查询码应为 12 位字母和数字" if exc.status == 422 else exc.message
        return await _letters_page(request, staff, problem=problem, code=code, status=exc.status)
    return done_at("/console/account/letters", "已加入我的信件")


async def _letters_page(request: Request, staff: Staff, *, status: int = 200, **context: str) -> Response:
    letters = await deps_of(request).api.call(staff.token, "GET", MY_LETTERS)
    rows = [x | {"received": china_time(x["received_at"]), "replied": china_time(x["replied_at"])} for x in letters]
    return pages_of(request).render(request, "account/letters.html", staff, status=status, rows=rows, **context)


async def waiting_letters(deps: ConsoleDeps, staff: Staff) -> list[Waiting]:
    """On a citizen's dashboard (someone with no role anywhere): their letters still being handled."""
    if staff.principal.grants:
        return []
    letters = await deps.api.call(staff.token, "GET", MY_LETTERS)
    open_ = sum(1 for x in letters if x["status"] not in FINISHED)
    return [Waiting("我的信件（办理中）", open_, "/console/account/letters")] if letters else []
