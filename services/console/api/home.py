"""The dashboard: what waits for this person in every section they work in, with counts and links."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.console.api.deps import StaffDep, deps_of
from services.console.api.rendering import pages_of
from services.console.registry import Waiting
from services.console.service.platform_api import ApiError

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("")
async def bare() -> Response:
    return RedirectResponse("/console/", status_code=308)


@router.get("/")
async def dashboard(request: Request, staff: StaffDep) -> Response:
    pages, deps = pages_of(request), deps_of(request)
    counters = [s.waiting(deps, staff) for s in pages.sections if s.waiting is not None]
    results = await asyncio.gather(*counters, return_exceptions=True)
    waiting: list[Waiting] = []
    problems = []
    for result in results:
        if isinstance(result, ApiError):
            problems.append(result.message)
        elif isinstance(result, BaseException):
            raise result
        else:
            waiting += result
    return pages.render(request, "dashboard.html", staff, waiting=waiting, problems=problems)
