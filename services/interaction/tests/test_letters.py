"""A letter's whole life through the API: sent without an account, followed by its 查询码, accepted and routed
to a department, answered, reviewed, published with personal data masked, rated; mail at every turn."""

from __future__ import annotations

import asyncio

from services.interaction.tests.support import API, LETTER, office, send_letter, step, text_of, unit_handler
from shared.testing import EventLog, Tokens


async def test_a_letter_from_sending_to_rating(api, sites, tokens: Tokens, mail, events: EventLog) -> None:
    receipt = await send_letter(api)
    assert receipt["status"] == "submitted" and len(receipt["tracking_code"]) == 12
    code = receipt["tracking_code"]
    received = (await mail.wait_for(LETTER["email"]))[0]
    assert code in text_of(received) and "http://feixi.localhost:8000/hdjl/cx/?code=" in text_of(received)

    accepted = await step(api, office(tokens), receipt["id"], "accept", unit="jyj", note="转县教育局办理")
    assert accepted["status"] == "processing" and accepted["unit"] == "县教育局"
    assert accepted["due_on"] is not None and accepted["urgency"] in ("ok", "near")
    notice = (await mail.wait_for("jyj@feixi.gov.cn"))[0]
    assert LETTER["phone"] not in text_of(notice) and LETTER["name"] not in text_of(notice)  # no writer's data

    handler = unit_handler(tokens, "jyj")
    drafted = await step(api, handler, receipt["id"], "draft", reply="经核查，该路段路灯已于本周修复，感谢您的监督。")
    assert drafted["status"] == "reviewing" and drafted["actions"] == []
    replied = await step(api, office(tokens), receipt["id"], "approve")
    assert replied["status"] == "replied" and replied["reply_unit"] == "县教育局"
    answer = (await mail.wait_for(LETTER["email"], count=3))[-1]
    assert "已于本周修复" in text_of(answer)

    await step(api, office(tokens), receipt["id"], "publish")
    public = (await api.get(f"{API}/sites/feixi/letters/public")).json()
    shown = public["items"][0]
    assert shown["reply_unit"] == "县教育局" and shown["accepted_on"] and shown["replied_on"]
    assert "13912345678" not in str(shown) and "张三丰" not in str(shown) and "张**" in shown["body"]
    assert "金寨路12号" not in shown["body"]

    status = (await api.get(f"{API}/letters/by-code/{code.lower()}")).json()
    assert status["can_rate"] and status["reply"].startswith("经核查")
    assert LETTER["phone"] not in str(status) and LETTER["email"] not in str(status)
    rated = await api.post(f"{API}/letters/by-code/{code}/rating", json={"rating": "满意"})
    assert rated.status_code == 200 and rated.json()["status"] == "closed"
    labels = [s["label"] for s in rated.json()["steps"]]
    assert labels == ["收到来信", "受理", "审核通过并答复", "公开", "评价"]  # the draft is internal

    await events.wait_for("interaction.letter.rated.v1")
    kinds = [e.type.split(".")[2] for e in events.items if e.type.startswith("interaction.letter.")]
    assert kinds == ["received", "accepted", "drafted", "replied", "published", "rated"]
    entry = (await events.wait_for("search.entry.updated.v1"))[0]
    assert entry.data["entry"]["url_path"] == f"/hdjl/xx/{receipt['id']}.html"
    assert "13912345678" not in str(entry.data)


async def test_departments_see_only_their_letters_and_sites_only_theirs(api, sites, tokens: Tokens) -> None:
    receipt = await send_letter(api)
    await step(api, office(tokens), receipt["id"], "accept", unit="jyj")
    mine = await api.get(f"{API}/sites/feixi/desk/letters", headers=unit_handler(tokens, "jyj"))
    assert [x["id"] for x in mine.json()["items"]] == [receipt["id"]]
    other = unit_handler(tokens, "zjj")
    assert (await api.get(f"{API}/sites/feixi/desk/letters", headers=other)).json()["items"] == []
    assert (await api.get(f"{API}/sites/feixi/desk/letters/{receipt['id']}", headers=other)).status_code == 404
    refused = await api.post(
        f"{API}/sites/feixi/desk/letters/{receipt['id']}/draft", json={"reply": "越权"}, headers=other
    )
    assert refused.status_code == 404

    hefei = office(tokens, "hefei")
    assert (await api.get(f"{API}/sites/feixi/desk/letters", headers=hefei)).status_code == 403
    assert (await api.get(f"{API}/sites/hefei/desk/letters/{receipt['id']}", headers=hefei)).status_code == 404
    moved = await api.post(f"{API}/sites/hefei/desk/letters/{receipt['id']}/accept", json={}, headers=hefei)
    assert moved.status_code == 404

    # reassignment keeps the history, and the letter leaves the first department's desk
    await step(api, office(tokens), receipt["id"], "assign", unit="zjj", note="属住建部门职责")
    assert (await api.get(f"{API}/sites/feixi/desk/letters", headers=unit_handler(tokens, "jyj"))).json()["items"] == []
    detail = (await api.get(f"{API}/sites/feixi/desk/letters/{receipt['id']}", headers=other)).json()
    assert [s["unit"] for s in detail["steps"]] == [None, "县教育局", "县住房和城乡建设局"]


async def test_steps_out_of_order_or_by_the_wrong_desk_are_refused(api, sites, tokens: Tokens) -> None:
    receipt = await send_letter(api)
    url = f"{API}/sites/feixi/desk/letters/{receipt['id']}"
    early = await api.post(f"{url}/approve", json={}, headers=office(tokens))
    assert early.status_code == 409 and "待受理" in early.json()["error"]["message"]
    no_reason = await api.post(
        f"{API}/sites/feixi/desk/letters/{receipt['id']}/reject", json={}, headers=office(tokens)
    )
    assert no_reason.status_code == 422 and no_reason.json()["error"]["details"][0]["field"] == "note"
    rejected = await step(
        api, office(tokens), receipt["id"], "reject", note="来信内容不属于本机关职责范围，请向市场监管部门反映"
    )
    assert rejected["status"] == "rejected"
    status = (await api.get(f"{API}/letters/by-code/{receipt['tracking_code']}")).json()
    assert status["status_label"] == "不予受理" and "市场监管" in status["steps"][-1]["note"]
    stale = await api.post(
        f"{API}/sites/feixi/desk/letters/{receipt['id']}/supervise", json={"note": "督办", "version": 1},
        headers=office(tokens),
    )  # fmt: skip
    assert stale.status_code == 409


async def test_a_clarification_pauses_the_clock_and_the_writer_resumes_it(api, sites, tokens: Tokens, runtime) -> None:
    receipt = await send_letter(api)
    accepted = await step(api, office(tokens), receipt["id"], "accept", unit="jyj")
    asked = await step(api, unit_handler(tokens, "jyj"), receipt["id"], "clarify", note="请补充路灯的具体位置")
    assert asked["status"] == "clarifying" and asked["urgency"] == "paused"
    answered = await api.post(
        f"{API}/letters/by-code/{receipt['tracking_code']}/supplement", json={"text": "在金寨路公交站台北侧"}
    )
    assert answered.status_code == 200 and answered.json()["status"] == "processing"
    assert answered.json()["due_on"] == accepted["due_on"]  # asked and answered the same day: no day added
    again = await api.post(f"{API}/letters/by-code/{receipt['tracking_code']}/supplement", json={"text": "再补充"})
    assert again.status_code == 409


async def test_the_same_letter_twice_is_marked_a_duplicate(api, sites, tokens: Tokens) -> None:
    first = await send_letter(api)
    second = await send_letter(api, body=LETTER["body"].replace("，", ",  "))
    detail = (await api.get(f"{API}/sites/feixi/desk/letters/{second['id']}", headers=office(tokens))).json()
    assert detail["duplicate_of"] == first["id"]


async def test_concurrent_submissions_are_all_kept(api, sites, tokens: Tokens) -> None:
    receipts = await asyncio.gather(*(send_letter(api, title=f"关于第{i}号路灯的建议") for i in range(8)))
    assert len({r["tracking_code"] for r in receipts}) == 8
    queue = (await api.get(f"{API}/sites/feixi/desk/letters", params={"size": 50}, headers=office(tokens))).json()
    assert queue["total"] == 8


async def test_a_signed_in_writer_sees_their_own_letters_and_no_one_elses(api, sites, tokens: Tokens) -> None:
    citizen = tokens.bearer("citizen-li", account_kind="citizen")
    sent = await api.post(f"{API}/sites/feixi/letters", json=LETTER, headers=citizen)
    assert sent.status_code == 201, sent.text
    await send_letter(api)  # the same letter without an account: not theirs
    mine = (await api.get(f"{API}/my/letters", headers=citizen)).json()
    assert [x["id"] for x in mine] == [sent.json()["id"]]
    assert mine[0]["tracking_code"] == sent.json()["tracking_code"] and mine[0]["status_label"] == "待受理"
    assert mine[0]["status_url"].endswith(f"/hdjl/cx/?code={mine[0]['tracking_code']}")
    assert mine[0]["site_name"] and "flagged_words" not in mine[0]
    other = tokens.bearer("citizen-wang", account_kind="citizen")
    assert (await api.get(f"{API}/my/letters", headers=other)).json() == []
    assert (await api.get(f"{API}/my/letters")).status_code == 401


async def test_a_letter_sent_without_an_account_joins_one_by_its_code(api, sites, tokens: Tokens) -> None:
    code = (await send_letter(api))["tracking_code"]
    citizen, other = tokens.bearer("citizen-zhao"), tokens.bearer("citizen-qian")
    claimed = await api.post(f"{API}/my/letters", json={"tracking_code": code.lower()}, headers=citizen)
    assert claimed.status_code == 200 and claimed.json()["tracking_code"] == code
    again = await api.post(f"{API}/my/letters", json={"tracking_code": code}, headers=citizen)
    assert again.status_code == 200  # already theirs: nothing changes
    taken = await api.post(f"{API}/my/letters", json={"tracking_code": code}, headers=other)
    assert taken.status_code == 409 and (await api.get(f"{API}/my/letters", headers=other)).json() == []
    wrong = await api.post(f"{API}/my/letters", json={"tracking_code": "ACDEFGHJKLMN"}, headers=other)
    assert wrong.status_code == 404
    assert (await api.post(f"{API}/my/letters", json={"tracking_code": "<script>"}, headers=other)).status_code == 422
    assert [x["tracking_code"] for x in (await api.get(f"{API}/my/letters", headers=citizen)).json()] == [code]
