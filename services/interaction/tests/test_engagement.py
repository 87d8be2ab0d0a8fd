"""Consultations, surveys and interviews through the API, with their one moderation queue: what the public may
do and see at each stage, one answer per person, exports that open, a live transcript, reports that hide."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

from services.interaction.tests.support import API, office
from shared.testing import EventLog, Tokens

NOW = datetime.now(UTC)
SITE = f"{API}/sites/feixi"
DRAFT = {
    "title": "《肥西县政府网站集约化管理办法（征求意见稿）》公开征求意见",
    "summary": "为规范政府网站集约化建设管理，现公开征求社会公众意见。",
    "sections": [
        "第一条 为加强政府网站集约化建设，提升政务服务水平，制定本办法。",
        "第二条 全县政府网站统一部署在县政府网站集约化平台上，实行统一标准、统一管理。",
        "第三条 各部门网站的网民留言应当在7个工作日内答复。",
    ],
    "opens_at": (NOW - timedelta(days=1)).isoformat(),
    "closes_at": (NOW + timedelta(days=14)).isoformat(),
}
FROM = [{"x-forwarded-for": f"203.0.113.{n}"} for n in range(1, 10)]  # visitors behind the gateway


async def test_a_consultation_from_draft_to_feedback_report(api, sites, tokens: Tokens, runtime, events: EventLog):
    made = await api.post(f"{SITE}/desk/consultations", json=DRAFT, headers=office(tokens))
    assert made.status_code == 201, made.text
    item = made.json()["id"]
    assert (await api.get(f"{SITE}/consultations/{item}")).status_code == 404  # a draft is not public
    assert (await api.post(f"{SITE}/desk/consultations/{item}/open", headers=office(tokens))).json()["accepting"]
    comment = {
        "section": 2,
        "name": "李明",
        "contact": "13800001234",
        "body": "建议将答复时限明确为收到之日起7个工作日。",
    }
    assert (await api.post(f"{SITE}/consultations/{item}/comments", json=comment, headers=FROM[0])).status_code == 201
    spam = {"name": "广告", "body": "代开发票，联系电话见主页"}
    assert (await api.post(f"{SITE}/consultations/{item}/comments", json=spam, headers=FROM[1])).status_code == 201
    bad = await api.post(f"{SITE}/consultations/{item}/comments", json={**comment, "section": 9}, headers=FROM[2])
    assert bad.status_code == 409
    page = (await api.get(f"{SITE}/consultations/{item}")).json()
    assert [c["name"] for c in page["comments"]] == ["李明"]  # the flagged one waits for a moderator
    assert "13800001234" not in str(page)
    early = await api.post(
        f"{SITE}/desk/consultations/{item}/report", json={"report": "采纳情况"}, headers=office(tokens)
    )
    assert early.status_code == 409
    first = page["comments"][0]["id"]
    adoption = {"adopted": True, "response": "已采纳，第三条修改为“自收到之日起7个工作日内答复”。"}
    url = f"{SITE}/desk/consultations/{item}/comments/{first}/adoption"
    assert (await api.put(url, json=adoption, headers=office(tokens))).status_code == 200
    runtime.deps.clock = lambda: NOW + timedelta(days=15)  # the period is over
    late = await api.post(f"{SITE}/consultations/{item}/comments", json=comment, headers=FROM[3])
    assert late.status_code == 409
    report = {"report": "共收到有效意见1条，采纳1条。"}
    done = await api.post(f"{SITE}/desk/consultations/{item}/report", json=report, headers=office(tokens))
    assert done.status_code == 200 and done.json()["status"] == "reported"
    published = (await api.get(f"{SITE}/consultations/{item}")).json()
    assert published["consultation"]["report"] == report["report"] and published["comments"][0]["adopted"] is True
    await events.wait_for("interaction.consultation.reported.v1")
    assert events.of_type("interaction.consultation.opened.v1")
    found = await events.wait_for("search.entry.updated.v1", count=2)  # the group search finds it, report and all
    entries = [e.data["entry"] for e in found if e.data["entry"]["kind"] == "consultation"]
    assert [e["url_path"] for e in entries] == [f"/hdjl/zj/{item}.html"] * 2
    assert entries[-1]["category"] == "互动交流·意见征集" and "共收到有效意见1条" in entries[-1]["text"]
    assert "13800001234" not in str(entries)


SURVEY = {
    "title": "肥西县政府网站满意度调查",
    "intro": "为了解公众对县政府网站的使用体验，特开展本次调查。",
    "questions": [
        {
            "id": "often",
            "kind": "single",
            "text": "您多久访问一次本网站？",
            "options": ["每天", "每周", "每月", "很少"],
        },
        {
            "id": "use",
            "kind": "multiple",
            "text": "您主要使用哪些栏目？",
            "options": ["政务动态", "信息公开", "办事服务", "互动交流"],
        },
        {"id": "score", "kind": "rating", "text": "总体满意度（1-5分）"},
        {
            "id": "grid",
            "kind": "matrix",
            "text": "请评价下列方面",
            "rows": ["内容更新", "查找信息"],
            "options": ["好", "一般", "差"],
        },
        {"id": "advice", "kind": "text", "text": "您的建议", "required": False},
    ],
    "opens_at": (NOW - timedelta(hours=1)).isoformat(),
    "closes_at": (NOW + timedelta(days=30)).isoformat(),
}
ANSWER = {"often": "每周", "use": ["信息公开", "互动交流"], "score": 4, "grid": {"内容更新": "好", "查找信息": "一般"}}


async def test_a_survey_takes_one_answer_per_person_and_exports(api, sites, tokens: Tokens, runtime) -> None:
    made = await api.post(f"{SITE}/desk/surveys", json=SURVEY, headers=office(tokens))
    assert made.status_code == 201, made.text
    item = made.json()["id"]
    await api.post(f"{SITE}/desk/surveys/{item}/status", json={"status": "open"}, headers=office(tokens))
    url = f"{SITE}/surveys/{item}/responses"
    assert (await api.post(url, json={"answers": ANSWER, "device": "d1"})).status_code == 201
    again = await api.post(url, json={"answers": ANSWER, "device": "d1"})
    assert again.status_code == 409 and "已参与" in again.json()["error"]["message"]
    missing = await api.post(url, json={"answers": {**ANSWER, "score": None}, "device": "d2"})
    assert missing.status_code == 422 and missing.json()["error"]["details"][0]["field"] == "answers.score"
    wrong = await api.post(url, json={"answers": {**ANSWER, "often": "每年"}, "device": "d2"})
    assert wrong.status_code == 422
    other = {**ANSWER, "often": "每天", "score": 5, "advice": "希望增加办事指南的流程图。"}
    assert (await api.post(url, json={"answers": other, "device": "d2"})).status_code == 201
    assert (await api.get(f"{SITE}/surveys/{item}/results")).status_code == 403  # no live results on this one
    results = (await api.get(f"{SITE}/desk/surveys/{item}/results", headers=office(tokens))).json()
    often = next(q for q in results["questions"] if q["id"] == "often")
    assert results["responses"] == 2 and {o["option"]: o["count"] for o in often["options"]}["每周"] == 1
    assert next(q for q in results["questions"] if q["id"] == "score")["average"] == 4.5
    csv = await api.get(f"{SITE}/desk/surveys/{item}/export.csv", headers=office(tokens))
    assert (
        csv.text.startswith("\ufeff序号,提交时间（北京时间）,您多久访问一次本网站？")
        and "希望增加办事指南的流程图" in csv.text
    )
    xlsx = await api.get(f"{SITE}/desk/surveys/{item}/export.xlsx", headers=office(tokens))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][3] == "信息公开；互动交流"
    runtime.deps.clock = lambda: NOW + timedelta(days=31)
    assert (await api.get(f"{SITE}/surveys/{item}/results")).status_code == 200  # over: results are public


INTERVIEW = {
    "title": "县数据资源局局长谈政府网站集约化建设",
    "summary": "围绕政府网站集约化建设与政务公开，与网民在线交流。",
    "guests": [{"name": "张伟", "title": "县数据资源管理局局长"}],
    "starts_at": (NOW + timedelta(hours=2)).isoformat(),
    "video_url": "https://www.feixi.gov.cn/video/ft-2026-12.mp4",
}


async def test_an_interview_from_questions_to_archive(api, sites, tokens: Tokens, events: EventLog) -> None:
    item = (await api.post(f"{SITE}/desk/interviews", json=INTERVIEW, headers=office(tokens))).json()["id"]
    asked = await api.post(
        f"{SITE}/interviews/{item}/questions", json={"name": "网友", "body": "集约化后原来的网址还能用吗？"}
    )
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    assert (await api.get(f"{SITE}/interviews/{item}")).json()["questions"] == []  # not yet let through
    let = await api.post(
        f"{SITE}/desk/moderation/question/{asked.json()['id']}", json={"action": "restore"}, headers=office(tokens)
    )
    assert let.status_code == 200 and let.json()["status"] == "visible"
    early = await api.post(
        f"{SITE}/desk/interviews/{item}/transcript",
        json={"speaker": "主持人", "text": "各位网友好"},
        headers=office(tokens),
    )
    assert early.status_code == 409
    await api.post(f"{SITE}/desk/interviews/{item}/status", json={"status": "live"}, headers=office(tokens))
    answer = {"speaker": "张伟", "text": "原网址全部保留并自动跳转到新页面。", "question_id": asked.json()["id"]}
    for line in ({"speaker": "主持人", "text": "各位网友大家好，欢迎来到在线访谈。"}, answer):
        assert (
            await api.post(f"{SITE}/desk/interviews/{item}/transcript", json=line, headers=office(tokens))
        ).status_code == 201
    first = (await api.get(f"{SITE}/interviews/{item}/transcript")).json()
    assert [x["speaker"] for x in first] == ["主持人", "张伟"]
    assert (await api.get(f"{SITE}/interviews/{item}/transcript", params={"after": first[0]["id"]})).json()[0][
        "speaker"
    ] == "张伟"
    params = {"after": first[0]["id"], "seconds": 0.5}  # in-process the whole stream arrives at its end
    sse = await api.get(f"{SITE}/interviews/{item}/transcript/stream", params=params)
    assert sse.headers["content-type"].startswith("text/event-stream")
    assert sse.text.startswith(f"id: {first[1]['id']}\nevent: line\ndata: ") and "原网址全部保留" in sse.text
    assert sse.text.count("event: line") == 1
    shown = (await api.get(f"{SITE}/interviews/{item}")).json()
    assert shown["questions"][0]["status"] == "answered" and shown["status_label"] == "正在直播"
    await api.post(f"{SITE}/desk/interviews/{item}/status", json={"status": "archived"}, headers=office(tokens))
    closed = await api.post(f"{SITE}/interviews/{item}/questions", json={"name": "网友", "body": "还能提问吗？"})
    assert closed.status_code == 409
    archived = (await events.wait_for("search.entry.updated.v1", count=3))[-1].data["entry"]
    assert archived["kind"] == "interview" and "张伟：原网址全部保留并自动跳转到新页面。" in archived["text"]


async def test_reports_hide_and_a_blocked_writer_is_refused(api, sites, tokens: Tokens) -> None:
    item = (await api.post(f"{SITE}/desk/consultations", json=DRAFT, headers=office(tokens))).json()["id"]
    await api.post(f"{SITE}/desk/consultations/{item}/open", headers=office(tokens))
    rude = {"name": "路人", "body": "这个办法写得一塌糊涂，全是空话。"}
    comment = (await api.post(f"{SITE}/consultations/{item}/comments", json=rude, headers=FROM[8])).json()
    url = f"{SITE}/reports/comment/{comment['id']}"
    assert (await api.post(url, json={"reason": "人身攻击"}, headers=FROM[0])).json() == {"reports": 1}
    assert (await api.post(url, json={"reason": "人身攻击"}, headers=FROM[0])).status_code == 409  # once per address
    for visitor in FROM[1:3]:
        await api.post(url, json={"reason": "不文明用语"}, headers=visitor)
    assert (await api.get(f"{SITE}/consultations/{item}")).json()["comments"] == []  # three reports hide it
    queue = (await api.get(f"{SITE}/desk/moderation", headers=office(tokens))).json()
    assert queue[0]["reasons"] == ["人身攻击", "不文明用语", "不文明用语"] and queue[0]["where"] == DRAFT["title"]
    hefei = tokens.bearer("hefei-letters", ("hefei", "letter_handler"))
    assert (
        await api.post(f"{SITE}/desk/moderation/comment/{comment['id']}", json={"action": "restore"}, headers=hefei)
    ).status_code == 403
    assert (
        await api.post(
            f"{API}/sites/hefei/desk/moderation/comment/{comment['id']}", json={"action": "restore"}, headers=hefei
        )
    ).status_code == 404
    blocked = await api.post(
        f"{SITE}/desk/moderation/comment/{comment['id']}",
        json={"action": "block", "reason": "多次发布不文明言论"},
        headers=office(tokens),
    )
    assert blocked.status_code == 200
    refused = await api.post(f"{SITE}/consultations/{item}/comments", json=rude, headers=FROM[8])
    assert refused.status_code == 403 and "暂停" in refused.json()["error"]["message"]
