"""Each site's 意见征集, 网上调查 and 在线访谈 pages, on its theme and without JavaScript: the lists, a draft with its
comment form and the feedback report, a survey's form and results, an interview's transcript (followed live when
scripts run) and question form, and the report form under every comment and question."""

from __future__ import annotations

import re
from typing import Any

import httpx

from services.render.service.charts import bar_chart
from services.render.service.letters_client import LettersClient

KINDS = {"zj": ("consultations", "意见征集"), "dc": ("surveys", "网上调查"), "ft": ("interviews", "在线访谈")}
_PAGE = re.compile(r"^/hdjl/(zj|dc|ft)/(?:(\d{1,15})\.html|(\d{1,15})/results\.html)?$")
REPORT = "/hdjl/jb/"
FORM_FIELDS = ("section", "name", "contact", "body", "website", "device")


def handles(path: str) -> bool:
    return path == REPORT or bool(_PAGE.match(path))


def takes_post(path: str) -> bool:
    """A comment, an answer, a question, a report: the forms of these pages."""
    match = _PAGE.match(path)
    return path == REPORT or bool(match and match[2])


async def view(client: LettersClient, site_id: str, path: str) -> tuple[str, str, int, dict[str, Any]]:
    """The page's template, title, status and context."""
    match = _PAGE.match(path)
    assert match is not None
    kind, item, results = match[1], match[2], match[3]
    collection, label = KINDS[kind]
    if item is None and results is None:
        answer = await client.get(f"/sites/{site_id}/{collection}")
        return _or_error(answer, "engagements.html", label, {"kind": kind, "label": label, "items": answer.json()})
    if results is not None:
        return await _results(client, site_id, int(results))
    return await _item(client, site_id, kind, int(item))


async def _item(client: LettersClient, site_id: str, kind: str, item_id: int, **extra: Any):  # noqa: ANN202
    collection, label = KINDS[kind]
    answer = await client.get(f"/sites/{site_id}/{collection}/{item_id}")
    if answer.status_code != 200:
        return _or_error(answer, "", "", {})
    found = answer.json()
    item = found.get("consultation", found)
    status = extra.pop("status", 200)
    context = {"kind": kind, "label": label, "item": item, "comments": found.get("comments", [])}
    return "engagement.html", item["title"], status, context | {"notice": None, "problem": None, "values": {}} | extra


async def _results(client: LettersClient, site_id: str, item_id: int):  # noqa: ANN202
    survey = await client.get(f"/sites/{site_id}/surveys/{item_id}")
    answer = await client.get(f"/sites/{site_id}/surveys/{item_id}/results")
    if survey.status_code != 200 or answer.status_code != 200:
        return _or_error(answer if survey.status_code == 200 else survey, "", "", {})
    results = answer.json()
    charts = [
        (q["text"], bar_chart(q["text"], [(o["option"], o["share"]) for o in q["options"]], percent=True))
        for q in results["questions"]
        if q["options"]
    ]
    context = {"kind": "dc", "label": "网上调查", "item": survey.json(), "results": results, "charts": charts}
    return "survey_results.html", f"{survey.json()['title']}（结果）", 200, context


async def submit(client: LettersClient, site_id: str, path: str, fields: dict[str, str], address: str | None):  # noqa: ANN201
    """A visitor's comment, answers, question or report; the page again with the outcome said at the top."""
    if path == REPORT:
        return await _report(client, site_id, fields, address)
    match = _PAGE.match(path)
    assert match is not None and match[2]
    kind, item_id = match[1], int(match[2])
    collection, _ = KINDS[kind]
    target = {"zj": "comments", "dc": "responses", "ft": "questions"}[kind]
    body = _survey_body(fields) if kind == "dc" else _contribution(kind, fields)
    answer = await client.post(f"/sites/{site_id}/{collection}/{item_id}/{target}", forwarded_for=address, json=body)
    if answer.status_code in (200, 201):
        done = {
            "zj": "您的意见已提交，感谢参与。",
            "dc": "您的答卷已提交，感谢参与。",
            "ft": "您的提问已提交，审核后显示。",
        }[kind]
        return await _item(client, site_id, kind, item_id, notice=done)
    problem = _message(answer)
    return await _item(client, site_id, kind, item_id, problem=problem, values=fields, status=_status(answer))


def _contribution(kind: str, fields: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {k: fields[k] for k in ("name", "body", "website") if fields.get(k)}
    if kind == "zj":
        if fields.get("contact"):
            body["contact"] = fields["contact"]
        if fields.get("section", "").isdigit():
            body["section"] = int(fields["section"])
    return body


def _survey_body(fields: dict[str, str]) -> dict[str, Any]:
    """Form fields q.<id> (one value, or several joined by the browser as repeats) and q.<id>.<row> (a matrix)."""
    answers: dict[str, Any] = {}
    for key, value in fields.items():
        if not key.startswith("q.") or value == "":
            continue
        parts = key.split(".", 2)
        if len(parts) == 3:
            answers.setdefault(parts[1], {})[parts[2]] = value
        else:
            answers[parts[1]] = value.split("\x1f") if "\x1f" in value else value
    return {"answers": answers, "device": fields.get("device"), "website": fields.get("website") or None}


async def _report(client: LettersClient, site_id: str, fields: dict[str, str], address: str | None):  # noqa: ANN202
    kind, item_id, back = fields.get("target", ""), fields.get("id", ""), fields.get("back", "/hdjl/")
    reason = fields.get("reason", "").strip() or "不当内容"
    if kind not in ("comment", "question") or not item_id.isdigit():
        return "error.html", "举报内容不存在", 404, {"status": 404, "message": "举报内容不存在"}
    answer = await client.post(
        f"/sites/{site_id}/reports/{kind}/{item_id}", forwarded_for=address, json={"reason": reason}
    )
    message = "已收到您的举报，我们会尽快核查。" if answer.status_code == 202 else _message(answer)
    back = back if back.startswith("/hdjl/") else "/hdjl/"
    return (
        "engagement_done.html",
        "举报",
        _status(answer) if answer.status_code != 202 else 200,
        {"message": message, "back": back},
    )


def _message(answer: httpx.Response) -> str:
    try:
        error = answer.json()["error"]
    except (ValueError, KeyError, TypeError):
        return "提交未成功，请稍后再试"
    details = [d.get("message", "") for d in error.get("details") or [] if isinstance(d, dict)]
    return "；".join(d for d in details if d) or error.get("message", "提交未成功")


def _status(answer: httpx.Response) -> int:
    return answer.status_code if 400 <= answer.status_code < 500 else 503


def _or_error(answer: httpx.Response, template: str, title: str, context: dict[str, Any]):  # noqa: ANN202
    if answer.status_code == 200 and template:
        return template, title, 200, context
    status = answer.status_code if answer.status_code in (403, 404, 410) else 503
    message = _message(answer) if status != 503 else "互动交流平台暂时无法访问，请稍后再试"
    return "error.html", message, status, {"status": status, "message": message}
