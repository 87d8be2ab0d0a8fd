"""A job's 正文规则 page: the selectors as a form, tried on sample pages of the legacy site (each shown with what
the new rules read beside what the saved ones read, its main text sanitized in a box), and saved onto the job.
Plain form posts: 预览 renders the results, 保存规则 patches the job."""

from __future__ import annotations

from typing import Any

import nh3
from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.sections.migration.forms import rules_body, rules_form
from services.console.sections.migration.routes import API, JobId, SiteId, site_for
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff

router = APIRouter(prefix="/console/migration", include_in_schema=False)
LABELS = {"title": "标题", "body": "正文", "date": "日期", "source": "来源", "remove": "去除", "urls": "样例网址"}
DISCLOSED = {"index_number": "索引号", "issuing_body": "发布机构", "document_number": "文号",
             "written_on": "成文日期", "published": "公开日期", "topic_category": "主题分类", "validity": "有效性",
             "subject_words": "主题词"}  # fmt: skip
KINDS = {"article": "文章", "list": "列表页", "other": "其他（不是文章也不是列表）"}
# what a legacy page's text may keep inside the console: no links, images, headings or landmarks of its own
SHOWN = nh3.ALLOWED_TAGS - {"a", "img", "map", "area", "h1", "h2", "h3", "h4", "h5", "h6", "nav", "header",
                            "footer", "article", "aside", "details", "summary", "center"}  # fmt: skip
SHOWN_ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


@router.get("/{site_id}/jobs/{job_id}/rules")
async def rules_page(request: Request, staff: StaffDep, site_id: SiteId, job_id: JobId) -> Response:
    job = await deps_of(request).api.call(staff.token, "GET", f"{API}/{site_id}/jobs/{job_id}")
    suggested = await deps_of(request).api.call(staff.token, "GET", f"{API}/{site_id}/jobs/{job_id}/samples")
    values = rules_form(job["rules"]) | {"urls": "\n".join(s["url"] for s in suggested)}
    return await _page(request, staff, site_id, job, values=values, suggested=suggested)


@router.post("/{site_id}/jobs/{job_id}/rules")
async def try_or_save(request: Request, staff: StaffDep, site_id: SiteId, job_id: JobId) -> Response:
    """预览: the rules tried on the samples, nothing kept; 保存规则: the job's rules replaced (and logged)."""
    form = await form_of(request, staff)
    body, errors = rules_body(form)
    api, here = deps_of(request).api, f"{API}/{site_id}/jobs/{job_id}"
    saving, preview = form.get("action") == "save", None
    if not errors:
        try:
            if saving:
                await api.call(staff.token, "PATCH", here, json={"rules": body["rules"]})
                return done_at(f"/console/migration/{site_id}/jobs/{job_id}/rules", "正文规则已保存")
            preview = await api.call(staff.token, "POST", f"{here}/preview", json=body)
        except ApiError as exc:
            if exc.status not in (409, 422):
                raise
            errors = _beside(exc)
    job = await api.call(staff.token, "GET", here)
    status = 422 if errors else 200
    return await _page(request, staff, site_id, job, values=form, errors=errors, preview=preview, status=status)


async def _page(request: Request, staff: Staff, site_id: str, job: dict, *, status: int = 200, **more: Any) -> Response:
    site = await site_for(request, staff, site_id)
    context = {"errors": {}, "preview": None, "suggested": []} | more
    return pages_of(request).render(
        request, "migration/rules.html", staff, status=status, site=site, job=job, labels=LABELS, kinds=KINDS,
        disclosed=DISCLOSED, found_by=found_by, shown=shown, **context,
    )  # fmt: skip


def _beside(exc: ApiError) -> dict[str, str]:
    """The API's refusal beside its field: rules.body → body, rules.remove.1 → remove, urls → urls."""
    if not exc.fields:
        return {"": exc.message}
    named = {}
    for name, message in exc.fields.items():
        parts = [p for p in name.split(".") if not p.isdigit()]
        field = parts[-1] if parts else ""
        named[field if field in LABELS else ""] = message
    return named


def found_by(method: str | None) -> str:
    """How the main text was found, in the operator's words."""
    if method is None:
        return "没有找到"
    if method == "rules":
        return "正文规则"
    return "自动识别（trafilatura）" if method == "trafilatura" else f"网站系统的正文容器 {method}"


def shown(html: str) -> str:
    """A legacy page's text as it may be shown inside the console: sanitized again here, never trusted as sent."""
    return nh3.clean(html or "", tags=SHOWN, attributes=SHOWN_ATTRIBUTES)
