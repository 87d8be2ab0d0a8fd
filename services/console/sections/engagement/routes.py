"""The desk's pages: a site's consultations, surveys and interviews, each one's page with its actions, the forms
that make them, and the moderation queue. Every action is one call to the interaction API with the person's token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from services.console.api.deps import StaffDep, deps_of, done_at, form_of
from services.console.api.rendering import pages_of
from services.console.sections.engagement.forms import moment, period, questions, sections
from services.console.sections.letters.desk import HANDLERS, LETTERS, LetterId, SiteId, handled_site
from services.console.service.platform_api import ApiError
from services.console.service.sessions import Staff
from services.console.service.workspace import my_sites

router = APIRouter(prefix="/console/engagement", include_in_schema=False)
Kind = Annotated[str, Path(pattern="^(consultations|surveys|interviews)$")]
LABELS = {"consultations": "意见征集", "surveys": "网上调查", "interviews": "在线访谈"}


@router.get("/")
async def sites(request: Request, staff: StaffDep) -> Response:
    mine = await my_sites(deps_of(request), staff, HANDLERS)
    if len(mine) == 1 and not staff.principal.is_platform_operator():
        return RedirectResponse(f"/console/engagement/{mine[0].id}/", status_code=303)
    return pages_of(request).render(request, "engagement/sites.html", staff, sites=mine)


@router.get("/{site_id}/")
async def overview(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    deps = deps_of(request)
    site = await handled_site(deps, staff, site_id)
    lists = {kind: await _list(request, staff, site_id, kind) for kind in LABELS}
    queue = await deps.api.call(staff.token, "GET", f"{LETTERS}/sites/{site_id}/desk/moderation")
    return pages_of(request).render(request, "engagement/overview.html", staff, site=site, lists=lists,
                                    labels=LABELS, queue=queue)  # fmt: skip


async def _list(request: Request, staff: Staff, site_id: str, kind: str) -> list[dict[str, Any]]:
    path = f"{LETTERS}/sites/{site_id}/{kind}" if kind == "interviews" else f"{LETTERS}/sites/{site_id}/desk/{kind}"
    return await deps_of(request).api.call(staff.token, "GET", path)


@router.get("/{site_id}/moderation")
async def moderation(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    deps = deps_of(request)
    site = await handled_site(deps, staff, site_id)
    queue = await deps.api.call(staff.token, "GET", f"{LETTERS}/sites/{site_id}/desk/moderation")
    return pages_of(request).render(request, "engagement/moderation.html", staff, site=site, queue=queue)


@router.post("/{site_id}/moderation/{target}/{item_id}")
async def moderate(request: Request, staff: StaffDep, site_id: SiteId, target: str, item_id: LetterId) -> Response:
    form = await form_of(request, staff)
    body = {"action": form.get("action", ""), "reason": form.get("reason") or None}
    path = f"{LETTERS}/sites/{site_id}/desk/moderation/{target}/{item_id}"
    await deps_of(request).api.call(staff.token, "POST", path, json=body)
    said = {"hide": "已隐藏", "restore": "已显示", "block": "已屏蔽该地址", "unblock": "已解除屏蔽"}
    return done_at(f"/console/engagement/{site_id}/moderation", said.get(body["action"], "已处理"))


@router.get("/{site_id}/surveys/{item_id}/export.{fmt}")
async def export(
    request: Request,
    staff: StaffDep,
    site_id: SiteId,
    item_id: LetterId,
    fmt: Annotated[str, Path(pattern="^(csv|xlsx)$")],
) -> Response:
    """The survey's answers as the API exports them (the file passes through with its type and name)."""
    path = f"{LETTERS}/sites/{site_id}/desk/surveys/{item_id}/export.{fmt}"
    answer = await deps_of(request).api.http.get(path, headers={"Authorization": f"Bearer {staff.token}"})
    if not answer.is_success:
        raise ApiError(answer.status_code, "not_found", "调查不存在或无权导出")
    headers = {k: v for k, v in answer.headers.items() if k in ("content-type", "content-disposition")}
    return Response(answer.content, headers=headers | {"cache-control": "no-store"})


@router.get("/{site_id}/{kind}/new")
async def new(request: Request, staff: StaffDep, site_id: SiteId, kind: Kind) -> Response:
    return await _form_page(request, staff, site_id, kind, {}, {})


@router.post("/{site_id}/{kind}/new")
async def create(request: Request, staff: StaffDep, site_id: SiteId, kind: Kind) -> Response:
    form = await form_of(request, staff)
    body, errors = _body(kind, form)
    if not errors:
        try:
            made = await deps_of(request).api.call(
                staff.token, "POST", f"{LETTERS}/sites/{site_id}/desk/{kind}", json=body
            )
            return done_at(f"/console/engagement/{site_id}/{kind}/{made['id']}", f"已创建{LABELS[kind]}")
        except ApiError as exc:
            if exc.status != 422:
                raise
            errors = exc.beside_fields()
    return await _form_page(request, staff, site_id, kind, form, errors, status=422)


def _body(kind: str, form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    title = {"title": form.get("title", "").strip()}
    if kind == "interviews":
        guests = [{"name": g.strip()} for g in form.get("guests", "").replace("，", ",").split(",") if g.strip()]
        starts = moment(form.get("starts_at", ""))
        body = title | {"summary": form.get("summary", "").strip(), "guests": guests, "starts_at": starts}
        body |= {"video_url": form.get("video_url", "").strip() or None}
        return body, {} if starts else {"starts_at": "请按 2026-12-20 10:00 填写"}
    times, errors = period(form)
    if kind == "consultations":
        return title | times | {
            "summary": form.get("summary", "").strip(),
            "sections": sections(form.get("sections", "")),
        }, errors
    asked, problem = questions(form.get("questions", ""))
    intro = {"intro": form.get("intro", "").strip(), "live_results": form.get("live_results") == "true"}
    return title | times | intro | {"questions": asked}, errors | ({"questions": problem} if problem else {})


async def _form_page(request, staff, site_id: str, kind: str, values, errors, status: int = 200) -> Response:  # noqa: ANN001
    site = await handled_site(deps_of(request), staff, site_id)
    return pages_of(request).render(request, "engagement/form.html", staff, status=status, site=site, kind=kind,
                                    label=LABELS[kind], values=values, errors=errors)  # fmt: skip


@router.get("/{site_id}/{kind}/{item_id}")
async def item(request: Request, staff: StaffDep, site_id: SiteId, kind: Kind, item_id: LetterId) -> Response:
    return await _item_page(request, staff, site_id, kind, item_id, {})


async def _item_page(request, staff, site_id: str, kind: str, item_id: int, errors, status: int = 200) -> Response:  # noqa: ANN001
    deps = deps_of(request)
    site = await handled_site(deps, staff, site_id)
    base = f"{LETTERS}/sites/{site_id}/desk/{kind}/{item_id}"
    context: dict[str, Any] = {"comments": [], "results": None}
    if kind == "consultations":
        context["item"] = next(c for c in await _list(request, staff, site_id, kind) if c["id"] == item_id)
        context["comments"] = await deps.api.call(staff.token, "GET", f"{base}/comments")
    elif kind == "surveys":
        context["item"] = next(s for s in await _list(request, staff, site_id, kind) if s["id"] == item_id)
        context["results"] = await deps.api.call(staff.token, "GET", f"{base}/results")
    else:
        context["item"] = await deps.api.call(staff.token, "GET", base)
    return pages_of(request).render(request, "engagement/item.html", staff, status=status, site=site, kind=kind,
                                    label=LABELS[kind], errors=errors, **context)  # fmt: skip


@router.post("/{site_id}/{kind}/{item_id}/{action}")
async def act(
    request: Request, staff: StaffDep, site_id: SiteId, kind: Kind, item_id: LetterId, action: str
) -> Response:
    form = await form_of(request, staff)
    call = _action(kind, item_id, action, form)
    if call is None:
        raise ApiError(404, "not_found", "没有这个操作")
    method, path, body, said = call
    try:
        await deps_of(request).api.call(staff.token, method, f"{LETTERS}/sites/{site_id}/desk/{path}", json=body)
    except ApiError as exc:
        if exc.status not in (409, 422):
            raise
        errors = {action: "；".join(m for m in exc.beside_fields().values() if m)}
        return await _item_page(request, staff, site_id, kind, item_id, errors, status=exc.status)
    return done_at(f"/console/engagement/{site_id}/{kind}/{item_id}", said)


def _action(kind: str, item_id: int, action: str, form: dict[str, str]) -> tuple[str, str, Any, str] | None:
    """(method, path under the desk, body, what to say) of a button on an item's page."""
    one = f"{kind}/{item_id}"
    adoption = {"adopted": form.get("adopted") == "true", "response": form.get("response", "")}
    question = int(form["question"]) if form.get("question", "").isdigit() else None
    line = {"speaker": form.get("speaker", ""), "text": form.get("text", ""), "question_id": question}
    calls = {
        ("consultations", "open"): ("POST", f"{one}/open", None, "已发布征集"),
        ("consultations", "report"): (
            "POST",
            f"{one}/report",
            {"report": form.get("report", "")},
            "已发布意见采纳情况",
        ),
        ("consultations", "adopt"): ("PUT", f"{one}/comments/{form.get('comment', '0')}/adoption", adoption, "已记录"),
        ("surveys", "open"): ("POST", f"{one}/status", {"status": "open"}, "已开始调查"),
        ("surveys", "close"): ("POST", f"{one}/status", {"status": "closed"}, "已结束调查"),
        ("interviews", "live"): ("POST", f"{one}/status", {"status": "live"}, "访谈已开始"),
        ("interviews", "archived"): ("POST", f"{one}/status", {"status": "archived"}, "访谈已归档"),
        ("interviews", "line"): ("POST", f"{one}/transcript", line, "已记录"),
    }
    return calls.get((kind, action))
