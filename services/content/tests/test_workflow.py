"""The review workflow: 初审 → 审核 → 审发, rejection, emergency publish, per-channel workflows, checks."""

from __future__ import annotations

from services.content.tests.support import API, STEPS


async def test_three_steps_publish_a_document_and_announce_it(client, sites, events) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.draft(hefei, submit=True)
    assert doc["workflow_state"] == "in_review" and [s["name"] for s in doc["review_steps"]] == list(STEPS)

    first = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=sites.reviewer("hefei", "初审")
    )
    assert first.json()["review_step"] == 1 and first.json()["public_state"] == "unpublished"
    published = await sites.approve_all(hefei, doc["id"], STEPS[1:])

    assert published["workflow_state"] == "published" and published["public_state"] == "live"
    assert published["index_number"].startswith("003254560/20")
    assert published["url_path"].startswith("/zwdt/yw/") and published["url_path"].endswith(f"_{doc['id']}.html")
    [event] = await events.wait_for("content.document.published.v1")
    assert event.siteid == "hefei" and event.data["document"]["title"] == doc["title"]
    assert event.data["site"]["main_domain"] == "www.hefei.gov.cn"
    assert [p["channel_path"] for p in event.data["placements"]] == ["zwdt/yw"]

    history = (
        await client.get(f"{API}/sites/hefei/documents/{doc['id']}/reviews", headers=sites.editor("hefei"))
    ).json()
    assert [(h["action"], h["step"]) for h in history] == [("submit", None), *[("approve", s) for s in STEPS]]
    assert {h["actor"] for h in history[1:]} == {f"reviewer-{s}@hefei" for s in STEPS}


async def test_a_reviewer_of_another_step_cannot_decide(client, sites) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.draft(hefei, submit=True)
    response = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=sites.reviewer("hefei", "审发")
    )
    assert response.status_code == 403
    assert "reviewer:初审" in response.json()["error"]["message"]
    current = (await client.get(f"{API}/sites/hefei/documents/{doc['id']}", headers=sites.editor("hefei"))).json()
    assert current["review_step"] == 0 and current["version"] == doc["version"]


async def test_rejection_returns_the_draft_with_the_comment(client, sites) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.draft(hefei, submit=True)
    await client.post(f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=sites.reviewer("hefei", "初审"))
    no_comment = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/reject", json={}, headers=sites.reviewer("hefei", "审核")
    )
    assert no_comment.status_code == 422 and no_comment.json()["error"]["details"][0]["field"] == "body.comment"
    rejected = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/reject",
        json={"comment": "标题不规范，请修改"},
        headers=sites.reviewer("hefei", "审核"),
    )
    assert rejected.status_code == 200
    assert rejected.json()["workflow_state"] == "draft" and rejected.json()["review_step"] == 0
    history = (
        await client.get(f"{API}/sites/hefei/documents/{doc['id']}/reviews", headers=sites.editor("hefei"))
    ).json()
    assert history[-1]["action"] == "reject" and history[-1]["comment"] == "标题不规范，请修改"


async def test_emergency_publish_is_for_site_admins_and_is_audited(client, sites, events) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.draft(hefei)
    denied = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/emergency-publish",
        json={"reason": "突发事件"},
        headers=sites.editor("hefei"),
    )
    assert denied.status_code == 403
    done = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/emergency-publish",
        json={"reason": "突发公共卫生事件，需立即发布"},
        headers=sites.admin("hefei"),
    )
    assert done.status_code == 200 and done.json()["public_state"] == "live"
    await events.wait_for("content.document.published.v1")
    audit = (
        await client.get(f"{API}/sites/hefei/audit", params={"entity": "document"}, headers=sites.admin("hefei"))
    ).json()
    entry = next(e for e in audit["items"] if e["action"] == "document.emergency_published")
    assert entry["actor"] == "admin@hefei" and entry["details"]["reason"] == "突发公共卫生事件，需立即发布"


async def test_a_channel_can_have_its_own_workflow(client, sites) -> None:
    hefei = await sites.open("hefei")
    channel = hefei.channels["zwdt/tzgg"]
    response = await client.put(
        f"{API}/sites/hefei/workflow",
        headers=sites.admin("hefei"),
        json={"channel_id": channel, "steps": [{"name": "初审"}, {"name": "终审", "role": "site_admin"}]},
    )
    assert response.status_code == 200
    doc = await sites.draft(hefei, "zwdt/tzgg", submit=True)
    assert [s["role"] for s in doc["review_steps"]] == ["reviewer:初审", "site_admin"]
    await client.post(f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=sites.reviewer("hefei", "初审"))
    final = await client.post(f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=sites.admin("hefei"))
    assert final.json()["public_state"] == "live"
    other = await sites.draft(hefei, submit=True)
    assert len(other["review_steps"]) == 3


async def test_checks_block_publication_with_every_finding_and_change_nothing(client, sites, events) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.draft(
        hefei,
        submit=True,
        title="中华人民共合国政府信息公开条例解读",
        body_html='<p>严禁代开发票。</p><p><a href="/zwdt/yw/209901/t20990101_999.html">旧链接</a></p>',
    )
    for step in ("初审", "审核"):
        await client.post(f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=sites.reviewer("hefei", step))
    before = (await client.get(f"{API}/sites/hefei/documents/{doc['id']}", headers=sites.editor("hefei"))).json()
    blocked = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=sites.reviewer("hefei", "审发")
    )
    assert blocked.status_code == 422 and blocked.json()["error"]["code"] == "checks_failed"
    findings = {(f["kind"], f["term"]) for f in blocked.json()["error"]["details"]}
    assert findings == {
        ("wording", "中华人民共合国"),
        ("sensitive", "代开发票"),
        ("broken_link", "/zwdt/yw/209901/t20990101_999.html"),
    }
    wording = next(f for f in blocked.json()["error"]["details"] if f["kind"] == "wording")
    assert wording["suggestion"] == "中华人民共和国" and wording["field"] == "title"
    after = (await client.get(f"{API}/sites/hefei/documents/{doc['id']}", headers=sites.editor("hefei"))).json()
    assert after == before
    history = (
        await client.get(f"{API}/sites/hefei/documents/{doc['id']}/reviews", headers=sites.editor("hefei"))
    ).json()
    assert [h["action"] for h in history].count("approve") == 2
    assert events.of_type("content.document.published.v1") == []


async def test_site_dictionaries_add_to_the_platform_ones(client, sites) -> None:
    hefei = await sites.open("hefei")
    added = await client.post(
        f"{API}/sites/hefei/check-terms",
        headers=sites.admin("hefei"),
        json={"kind": "wording", "term": "合肥市政府办", "suggestion": "合肥市人民政府办公室"},
    )
    assert added.status_code == 201
    duplicate = await client.post(
        f"{API}/sites/hefei/check-terms", headers=sites.admin("hefei"), json={"kind": "wording", "term": "合肥市政府办"}
    )
    assert duplicate.status_code == 409
    doc = await sites.draft(hefei, body_html="<p>合肥市政府办印发通知。</p>")
    report = (await client.post(f"{API}/sites/hefei/documents/{doc['id']}/check", headers=sites.editor("hefei"))).json()
    assert report["passed"] is False and report["findings"][0]["suggestion"] == "合肥市人民政府办公室"


async def test_editing_in_review_is_refused_until_rejected(client, sites) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.draft(hefei, submit=True)
    response = await client.patch(
        f"{API}/sites/hefei/documents/{doc['id']}",
        headers=sites.editor("hefei"),
        json={"title": "新标题新标题", "version": doc["version"]},
    )
    assert response.status_code == 409 and "in_review" in response.json()["error"]["message"]


async def test_three_reviews_are_three_people_other_than_the_author(client, sites, tokens) -> None:
    hefei = await sites.open("hefei")
    everything = tokens.bearer("lixin@hefei", ("hefei", "editor"), *[("hefei", f"reviewer:{s}") for s in STEPS])
    body = {
        "channel_id": hefei.channels["zwdt/yw"],
        "title": "关于开展政务公开标准化工作的通知",
        "body_html": "<p>正文</p>",
    }
    doc = (await client.post(f"{API}/sites/hefei/documents", json=body | {"submit": True}, headers=everything)).json()
    own = await client.post(f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=everything)
    assert own.status_code == 403 and own.json()["error"]["code"] == "own_document"
    assert "作者" in own.json()["error"]["message"]
    two_steps = tokens.bearer("wangfang@hefei", ("hefei", "reviewer:初审"), ("hefei", "reviewer:审核"))
    first = await client.post(f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=two_steps)
    assert first.status_code == 200 and first.json()["review_step"] == 1
    second = await client.post(f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=two_steps)
    assert second.status_code == 403 and second.json()["error"]["code"] == "second_step"
    rejected = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/reject", json={"comment": "自审自退"}, headers=two_steps
    )
    assert rejected.status_code == 403  # a rejection is a decision at a step too
    published = await sites.approve_all(hefei, doc["id"], STEPS[1:])  # two other people finish it
    assert published["public_state"] == "live"


async def test_whoever_edited_the_copy_under_review_does_not_review_it(client, sites, tokens) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.draft(hefei)
    editor_and_reviewer = tokens.bearer("zhaolei@hefei", ("hefei", "editor"), ("hefei", "reviewer:初审"))
    edited = await client.patch(
        f"{API}/sites/hefei/documents/{doc['id']}",
        json={"version": doc["version"], "title": "关于开展政务公开标准化工作的通知（修改）"},
        headers=editor_and_reviewer,
    )
    assert edited.status_code == 200
    await client.post(f"{API}/sites/hefei/documents/{doc['id']}/submit", headers=sites.editor("hefei"))
    mine = await client.post(f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=editor_and_reviewer)
    assert mine.status_code == 403 and mine.json()["error"]["code"] == "own_document"


async def test_only_a_workflow_that_says_so_lets_one_person_take_every_step(client, sites, tokens) -> None:
    hefei = await sites.open("hefei")
    steps = [{"name": "初审"}, {"name": "审发"}]
    waived = {"channel_id": hefei.channels["zwdt/tzgg"], "steps": steps, "same_person_allowed": True}
    assert (await client.put(f"{API}/sites/hefei/workflow", json=waived, headers=sites.admin("hefei"))).is_success
    solo = tokens.bearer("sunli@hefei", ("hefei", "editor"), ("hefei", "reviewer:初审"), ("hefei", "reviewer:审发"))
    body = {"channel_id": hefei.channels["zwdt/tzgg"], "title": "乡镇便民服务站开放时间", "body_html": "<p>正文</p>"}
    doc = (await client.post(f"{API}/sites/hefei/documents", json=body | {"submit": True}, headers=solo)).json()
    assert [s["independent"] for s in doc["review_steps"]] == [False, False]
    for _ in steps:
        answer = await client.post(f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=solo)
        assert answer.status_code == 200, answer.text
    assert answer.json()["public_state"] == "live"
    audit = (
        await client.get(f"{API}/sites/hefei/audit", params={"entity_id": str(doc["id"])}, headers=sites.admin("hefei"))
    ).json()
    approvals = [e for e in audit["items"] if e["action"] == "document.approved"]
    assert [e["actor"] for e in approvals] == ["sunli@hefei", "sunli@hefei"]  # each step names its person


async def test_the_platform_offers_a_workflow_with_a_secrecy_review(client, sites) -> None:
    hefei = await sites.open("hefei")
    templates = {t["name"]: t for t in (await client.get(f"{API}/workflow-templates")).json()}
    assert [s["name"] for s in templates["三审加保密审查"]["steps"]] == ["初审", "保密审查", "审核", "审发"]
    chosen = {"steps": [{"name": s["name"]} for s in templates["三审加保密审查"]["steps"]]}
    assert (await client.put(f"{API}/sites/hefei/workflow", json=chosen, headers=sites.admin("hefei"))).is_success
    doc = await sites.draft(hefei, submit=True)
    assert [s["role"] for s in doc["review_steps"]][1] == "reviewer:保密审查"
    published = await sites.approve_all(hefei, doc["id"], ("初审", "保密审查", "审核", "审发"))
    assert published["public_state"] == "live"


async def test_the_auditor_reads_every_sites_content_audit_trail(client, sites, tokens) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.publish(hefei, title="关于政府网站年度报表的通知")
    auditor = tokens.bearer("shenji", ("*", "auditor"))
    site_trail = await client.get(f"{API}/sites/hefei/audit", params={"entity_id": str(doc["id"])}, headers=auditor)
    assert site_trail.status_code == 200
    actions = [e["action"] for e in site_trail.json()["items"]]
    assert actions.count("document.approved") == 3 and "document.published" in actions
    everywhere = await client.get(f"{API}/audit", params={"action": "document.approved"}, headers=auditor)
    assert {(e["site_id"], e["actor"]) for e in everywhere.json()["items"]} == {
        ("hefei", f"reviewer-{step}@hefei") for step in STEPS
    }
    editor = await client.get(f"{API}/audit", headers=sites.editor("hefei"))
    assert editor.status_code == 403 and editor.json()["error"]["code"] == "needs_role"
    changed = await client.patch(f"{API}/sites/hefei", json={"contact_phone": "0551-1"}, headers=auditor)
    assert changed.status_code == 403  # reading, never changing


async def test_each_reviewers_queue_holds_what_they_may_decide_now(client, sites, tokens) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.draft(hefei, submit=True)
    two_steps = tokens.bearer("wangfang@hefei", ("hefei", "reviewer:初审"), ("hefei", "reviewer:审核"))

    async def queue(headers) -> list[tuple[int, str]]:
        answer = await client.get(f"{API}/sites/hefei/review-queue", headers=headers)
        assert answer.status_code == 200
        return [(d["id"], d["step_name"]) for d in answer.json()["items"]]

    assert await queue(two_steps) == [(doc["id"], "初审")]
    assert await queue(sites.reviewer("hefei", "审发")) == []  # not at that step yet
    assert await queue(sites.editor("hefei")) == []  # the author reviews nothing
    await client.post(f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=two_steps)
    assert await queue(two_steps) == []  # at 审核 now, but this person decided at 初审
    assert await queue(sites.reviewer("hefei", "审核")) == [(doc["id"], "审核")]
    outsider = await client.get(f"{API}/sites/hefei/review-queue", headers=sites.editor("wuhu"))
    assert outsider.status_code == 403
