"""Each site's 互动交流 pages on its own theme, without JavaScript: write to a mailbox (or apply for 依申请公开),
follow a letter by its 查询码 and rate the answer, read the published letters, see the statistics. Built from
the interaction desk's public API on every request; a visitor's form goes on to it with their address."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import Receive, Scope

from services.render.service import engagement_pages
from services.render.service.charts import bar_chart
from services.render.service.letters_client import LettersClient
from services.render.service.listing import pager
from shared.logs import get_logger

log = get_logger("render.letters")
MAILBOX = "/hdjl/xx/"
WRITE = "/hdjl/xx/write.html"
LOOKUP = "/hdjl/cx/"
STATS = "/hdjl/tj/"
DISCLOSURE = "/zfxxgk/ysqgk/"
PATHS = (MAILBOX, LOOKUP, STATS, DISCLOSURE)
POSTS = (WRITE, LOOKUP, DISCLOSURE)
PARAMS = {"page": 5, "code": 40, "year": 4}
_ONE = re.compile(r"^/hdjl/xx/(\d{1,15})\.html$")
PAGE_SIZE = 15
FORM_FIELDS = ("kind", "category", "addressee", "title", "body", "name", "phone", "email", "address", "id_number",
               "organisation", "public", "captcha_token", "captcha_answer", "website")  # fmt: skip
UNAVAILABLE = "互动交流平台暂时无法访问，请稍后再试"


@dataclass(frozen=True, slots=True)
class SubmittedForm:
    """A form a visitor posted: its fields, its files as httpx takes them, and the visitor's address."""

    fields: dict[str, str]
    files: list[tuple[str, tuple[str, bytes, str]]]
    address: str | None


async def letters_answer(client: LettersClient, site_id: str, request: Any, submitted: SubmittedForm | None):
    """The view of a letters page asked for, or of the answer to a form posted to it."""
    if engagement_pages.handles(request.path):
        return await _engagement(client, site_id, request.path, submitted)
    if submitted is None:
        return await letters_view(client, site_id, request.path, request.params)
    if request.path == LOOKUP:
        return await writer_step(client, submitted.fields, submitted.address)
    return await submit(client, site_id, request.path, submitted.fields, submitted.files, submitted.address)


async def read_form(scope: Scope, receive: Receive, limit: int) -> SubmittedForm | None:
    """The posted form (urlencoded or multipart), or None when it is larger than `limit`."""
    body, more = bytearray(), True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
        if len(body) > limit:
            return None
    delivered = False

    async def replay() -> dict[str, Any]:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": bytes(body), "more_body": False}

    form = await Request(scope, replay).form(max_files=10, max_fields=60)
    fields: dict[str, str] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):  # a repeated field (a multiple choice) keeps every value
            fields[key] = f"{fields[key]}\x1f{value}" if key in fields else value
    files = [
        ("attachments", (f.filename, await f.read(), f.content_type or "application/octet-stream"))
        for f in form.getlist("attachments")
        if isinstance(f, UploadFile) and f.filename
    ]
    client = scope.get("client")
    return SubmittedForm(fields, files, client[0] if client else None)


async def _engagement(client: LettersClient, site_id: str, path: str, submitted: SubmittedForm | None) -> LettersView:
    try:
        if submitted is None:
            template, title, status, context = await engagement_pages.view(client, site_id, path)
        else:
            answer = await engagement_pages.submit(client, site_id, path, submitted.fields, submitted.address)
            template, title, status, context = answer
    except httpx.HTTPError as exc:
        log.warning("interaction unavailable", problem=str(exc))
        return LettersView("error.html", UNAVAILABLE, 503, {"status": 503, "message": UNAVAILABLE})
    return LettersView(template, title, status, context)


def is_letters_path(path: str) -> bool:
    """A 互动交流 page: the mailbox, lookup, statistics, 依申请公开, consultations, surveys, interviews."""
    return path in PATHS or path == WRITE or bool(_ONE.match(path)) or engagement_pages.handles(path)


def takes_post(path: str) -> bool:
    """The paths a visitor's form is posted to (the only POSTs a site's pages take)."""
    return path in POSTS or engagement_pages.takes_post(path)


@dataclass
class LettersView:
    """What a letters page shows: its template, title, status and context."""

    template: str
    title: str
    status: int = 200
    context: dict[str, Any] = field(default_factory=dict)


async def letters_view(client: LettersClient, site_id: str, path: str, params: dict[str, str]) -> LettersView:
    try:
        if path == MAILBOX:
            return await _mailbox(client, site_id, params)
        if path in (WRITE, DISCLOSURE):
            return await _form(client, site_id, disclosure=path == DISCLOSURE)
        if path == LOOKUP:
            return await _lookup(client, params.get("code", ""))
        if path == STATS:
            return await _statistics(client, site_id, params)
        return await _one(client, site_id, int(_ONE.match(path)[1]))  # type: ignore[index]
    except httpx.HTTPError as exc:
        log.warning("interaction unavailable", problem=str(exc))
        return LettersView("error.html", UNAVAILABLE, 503, {"status": 503, "message": UNAVAILABLE})


async def _mailbox(client: LettersClient, site_id: str, params: dict[str, str]) -> LettersView:
    number = int(params["page"]) if params.get("page", "").isdigit() and int(params["page"]) > 0 else 1
    answer = await client.get(f"/sites/{site_id}/letters/public", {"page": number, "size": PAGE_SIZE})
    if answer.status_code != 200:
        return _refused(answer)
    found = answer.json()
    pages = max(1, -(-found["total"] // PAGE_SIZE))
    return LettersView("letters.html", "领导信箱", context={
        "letters": found["items"], "pager": pager(f"{MAILBOX}?page=", number, pages, found["total"], query=True),
    })  # fmt: skip


async def _one(client: LettersClient, site_id: str, letter_id: int) -> LettersView:
    answer = await client.get(f"/sites/{site_id}/letters/public/{letter_id}")
    if answer.status_code != 200:
        return _refused(answer)
    letter = answer.json()
    return LettersView("letter.html", letter["title"], context={"letter": letter})


async def _form(
    client: LettersClient, site_id: str, *, disclosure: bool, values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None, problem: str | None = None, status: int = 200,
) -> LettersView:  # fmt: skip
    answer = await client.get(f"/sites/{site_id}/letters/form")
    if answer.status_code != 200:
        return _refused(answer)
    form = answer.json()
    captcha = None
    if form["captcha"]:
        captcha = (await client.post("/captchas", forwarded_for=None)).json()
    title = "政府信息公开申请" if disclosure else "我要写信"
    defaults = {"kind": "disclosure", "category": "依申请公开"} if disclosure else {"public": "true"}
    return LettersView("letter_write.html", title, status, {
        "form": form, "captcha": captcha, "disclosure": disclosure, "values": values or defaults,
        "errors": errors or {}, "problem": problem, "action": DISCLOSURE if disclosure else WRITE,
    })  # fmt: skip


async def submit(
    client: LettersClient, site_id: str, path: str, fields: dict[str, str], files: list, address: str | None
) -> LettersView:
    """A visitor's letter: the receipt with its 查询码, or the form again with what was wrong, field by field."""
    disclosure = path == DISCLOSURE
    data = {k: v for k, v in fields.items() if k in FORM_FIELDS and v != ""}
    if disclosure:
        data |= {"kind": "disclosure", "category": "依申请公开", "public": "false"}
    try:
        answer = await client.post(f"/sites/{site_id}/letters", forwarded_for=address, data=data, files=files or None)
    except httpx.HTTPError as exc:
        log.warning("interaction unavailable", problem=str(exc))
        return LettersView("error.html", UNAVAILABLE, 503, {"status": 503, "message": UNAVAILABLE})
    if answer.status_code == 201:
        receipt = answer.json()
        return LettersView("letter_sent.html", "提交成功", 200, {"receipt": receipt, "disclosure": disclosure})
    errors, problem = _problems(answer)
    values = {k: v for k, v in fields.items() if k in FORM_FIELDS and k not in ("captcha_answer", "captcha_token")}
    status = answer.status_code if 400 <= answer.status_code < 500 else 503
    return await _form(client, site_id, disclosure=disclosure, values=values, errors=errors, problem=problem,
                       status=status)  # fmt: skip


def _problems(answer: httpx.Response) -> tuple[dict[str, str], str]:
    """Field errors (the API names each field) and the message over the whole form."""
    try:
        error = answer.json()["error"]
    except (ValueError, KeyError):
        return {}, UNAVAILABLE
    errors: dict[str, str] = {}
    for detail in error.get("details") or []:
        if isinstance(detail, dict) and "field" in detail:
            errors.setdefault(detail["field"].removeprefix("body."), detail.get("message", ""))
    message = error.get("message", "")
    if errors:
        message = f"提交未成功，请修改以下 {len(errors)} 处后再提交"
    return errors, message


async def _lookup(client: LettersClient, code: str, notice: str | None = None, status: int = 200) -> LettersView:
    context: dict[str, Any] = {"code": code, "letter": None, "problem": None, "notice": notice}
    if code:
        answer = await client.get(f"/letters/by-code/{code.strip()}")
        if answer.status_code == 200:
            context["letter"] = answer.json()
        else:
            context["problem"] = _problems(answer)[1] or "查询码不正确"
            status = 404 if answer.status_code in (404, 422) else status
    return LettersView("letter_lookup.html", "信件查询", status, context)


async def writer_step(client: LettersClient, fields: dict[str, str], address: str | None) -> LettersView:
    """Looking a letter up by its code (a form keeps the code out of addresses), rating it, or adding to it."""
    code = fields.get("code", "").strip()[:40]
    action = fields.get("action", "")
    if action not in ("rate", "supplement") or not code:
        return await _lookup(client, code)
    path, body = (
        (f"/letters/by-code/{code}/rating", {"rating": fields.get("rating", ""), "note": fields.get("note") or None})
        if action == "rate"
        else (f"/letters/by-code/{code}/supplement", {"text": fields.get("text", "")})
    )
    answer = await client.post(path, forwarded_for=address, json=body)
    if answer.status_code == 200:
        return await _lookup(client, code, "感谢您的评价" if action == "rate" else "补充材料已提交，办理期限恢复计算")
    errors, problem = _problems(answer)
    view = await _lookup(client, code, status=answer.status_code)
    view.context["problem"] = "；".join(errors.values()) or problem
    return view


async def _statistics(client: LettersClient, site_id: str, params: dict[str, str]) -> LettersView:
    query = {"year": params["year"]} if params.get("year", "").isdigit() else {}
    answer = await client.get(f"/sites/{site_id}/letters/statistics", query)
    if answer.status_code != 200:
        return _refused(answer)
    stats = answer.json()
    year = stats["year"]
    by_month = [(m["label"], m["received"]) for m in stats["by_month"]]
    on_time = [(u["label"], u["on_time_rate"]) for u in stats["by_unit"] if u["on_time_rate"] is not None]
    charts = [
        (f"{year}年各月收到的来信（件）", bar_chart(f"{year}年各月收到的来信", by_month, "件")),
        (f"{year}年各部门按期答复率", bar_chart(f"{year}年各部门按期答复率", on_time, percent=True)),
        (
            f"{year}年各类来信（件）",
            bar_chart(f"{year}年各类来信", [(c["label"], c["received"]) for c in stats["by_category"]], "件"),
        ),
    ]
    return LettersView("letter_stats.html", f"{year}年来信办理统计", context={
        "stats": stats, "charts": [(t, c) for t, c in charts if c], "years": list(range(year, year - 4, -1)),
    })  # fmt: skip


def _refused(answer: httpx.Response) -> LettersView:
    if answer.status_code >= 500:
        return LettersView("error.html", UNAVAILABLE, 503, {"status": 503, "message": UNAVAILABLE})
    message = _problems(answer)[1] or "页面不存在"
    return LettersView("error.html", message, answer.status_code, {"status": answer.status_code, "message": message})
