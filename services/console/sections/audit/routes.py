"""The audit search: one form over the content library's log and the identity provider's, paged; CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of
from services.console.api.rendering import china_time, pages_of
from services.console.service.sessions import Staff
from services.console.service.workspace import CONTENT

router = APIRouter(prefix="/console/audit", include_in_schema=False)
IDENTITY = "/api/v1/identity"
CHINA = ZoneInfo("Asia/Shanghai")
PAGE = 50
EXPORT_PAGES = 100  # content's log: at most 100 pages of 100 rows in one export
Source = Annotated[str, Query(pattern="^(content|identity)$")]
Text = Annotated[str, Query(max_length=80)]
Day = Annotated[str, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$")]  # a date input sends "" when left empty
SOURCES = {"content": "内容管理", "identity": "账号与权限"}


async def audit_query(  # async: FastAPI would run a plain def in its thread pool
    who: Text = "",
    action: Annotated[str, Query(pattern=r"^[a-z_.]{0,60}$")] = "",
    site_id: Annotated[str, Query(pattern=r"^([a-z][a-z0-9-]{1,39}|platform)?$")] = "",
    since: Day = "",
    until: Day = "",
) -> dict[str, str]:
    """The search form's narrowing, the same for the page and its export."""
    return {"who": who, "action": action, "site_id": site_id, "since": since, "until": until}


AuditQuery = Annotated[dict[str, str], Depends(audit_query)]


@router.get("/")
async def search(
    request: Request,
    staff: StaffDep,
    query: AuditQuery,
    source: Source = "content",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    rows, more = await _rows(request, staff, source, query, page)
    return pages_of(request).render(
        request,
        "audit/search.html",
        staff,
        sources=SOURCES,
        source=source,
        query=query,
        rows=rows,
        page=page,
        more=more,
        export=_export_link(source, query),
    )


@router.get("/export.csv")
async def export(request: Request, staff: StaffDep, query: AuditQuery, source: Source = "content") -> Response:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 Chinese correctly only with the BOM
    writer = csv.writer(out)
    writer.writerow(["时间（北京时间）", "人员", "操作", "站点", "对象", "详情"])
    for page in range(1, EXPORT_PAGES + 1):
        rows, more = await _rows(request, staff, source, query, page, size=100)
        writer.writerows([r["at"], r["actor"], r["action"], r["site"], r["target"], r["detail"]] for r in rows)
        if not more:
            break
    name = quote(f"审计日志-{SOURCES[source]}.csv")
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{name}", "Cache-Control": "no-store"}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


async def _rows(
    request: Request, staff: Staff, source: str, query: dict[str, Any], page: int, size: int = PAGE
) -> tuple[list[dict[str, str]], bool]:
    api = deps_of(request).api
    since = _day_starts(query["since"])
    until = _day_starts(query["until"], after=True)
    if source == "identity":
        params = {"who": query["who"], "action": query["action"], "since": since, "until": until}
        params = {k: v for k, v in params.items() if v} | {"limit": size + 1, "offset": (page - 1) * size}
        found = await api.call(staff.token, "GET", f"{IDENTITY}/audit", params=params)
        return [_identity_row(r) for r in found[:size]], len(found) > size
    params = {"who": query["who"], "action": query["action"], "site_id": query["site_id"], "since": since}
    params = {k: v for k, v in (params | {"until": until}).items() if v} | {"page": page, "size": size}
    found = await api.call(staff.token, "GET", f"{CONTENT}/audit", params=params)
    return [_content_row(r) for r in found["items"]], page * size < found["total"]


def _day_starts(day: str, *, after: bool = False) -> str | None:
    """The start of a Beijing day (of the next, for an inclusive end), as the APIs take it."""
    if not day:
        return None
    try:
        start = date.fromisoformat(day) + timedelta(days=1 if after else 0)
    except ValueError:
        raise HTTPException(400, f"日期 {day} 不存在") from None
    return datetime.combine(start, time(), CHINA).isoformat()


def _content_row(entry: dict[str, Any]) -> dict[str, str]:
    details = "；".join(f"{k}：{v}" for k, v in entry["details"].items())
    target = f"{entry['entity']} {entry['entity_id']}"
    return {
        "at": china_time(entry["at"]),
        "actor": entry["actor"],
        "action": entry["action"],
        "site": entry["site_id"],
        "target": target,
        "detail": details,
    }


def _identity_row(entry: dict[str, Any]) -> dict[str, str]:
    return {
        "at": china_time(entry["at"]),
        "actor": entry["actor"],
        "action": entry["action"],
        "site": entry["site_id"] or "",
        "target": entry["target"] or "",
        "detail": " ".join(x for x in (entry["detail"], entry["ip"] and f"IP {entry['ip']}") if x),
    }


def _export_link(source: str, query: dict[str, Any]) -> str:
    params = {"source": source} | {k: v for k, v in query.items() if v}
    return "/console/audit/export.csv?" + "&".join(f"{k}={quote(str(v))}" for k, v in params.items())
