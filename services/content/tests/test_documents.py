"""Writing documents: sanitising, optimistic concurrency, revisions and their diff, live vs working copy."""

from __future__ import annotations

import pytest

from services.content.main import ContentRuntime
from services.content.tests.support import API
from shared.errors import Conflict


async def test_rich_text_is_sanitized_on_the_way_in(client, sites) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.draft(
        hefei,
        body_html=(
            '<p style="text-indent:2em;position:fixed" onclick="steal()">各部门：</p><script>alert(1)</script>'
            '<iframe src="https://evil.example"></iframe><a href="javascript:alert(1)">点此</a><img src=x onerror=y>'
        ),
    )
    body = doc["body_html"]
    assert '<p style="text-indent:2em">各部门：</p>' in body
    for bad in ("script", "iframe", "onclick", "onerror", "javascript:", "position"):
        assert bad not in body


async def test_edits_need_the_current_version(client, sites) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.draft(hefei)
    first = await client.patch(
        f"{API}/sites/hefei/documents/{doc['id']}",
        headers=sites.editor("hefei"),
        json={"title": "合肥市政府网站工作年度报表", "version": doc["version"]},
    )
    assert first.status_code == 200 and first.json()["revision"] == 2
    stale = await client.patch(
        f"{API}/sites/hefei/documents/{doc['id']}",
        headers=sites.editor("hefei"),
        json={"title": "另一个标题另一个标题", "version": doc["version"]},
    )
    assert stale.status_code == 409 and "请刷新后重试" in stale.json()["error"]["message"]
    missing_version = await client.patch(
        f"{API}/sites/hefei/documents/{doc['id']}", headers=sites.editor("hefei"), json={"title": "缺少版本号的修改"}
    )
    assert missing_version.status_code == 422 and "body.version" in missing_version.text


async def test_a_change_written_from_a_stale_read_is_refused_and_changes_nothing(app, client, sites) -> None:
    """The guard under the use cases: every change applies only at the version it was read at."""
    hefei = await sites.open("hefei")
    doc = await sites.draft(hefei)
    deps = ContentRuntime.of(app).deps
    async with deps.site_uow("hefei") as uow:
        stale = await uow.repo.document_row(doc["id"])
    edited = await client.patch(
        f"{API}/sites/hefei/documents/{doc['id']}",
        headers=sites.editor("hefei"),
        json={"title": "合肥市政府网站工作年度报表", "version": doc["version"]},
    )
    assert edited.status_code == 200
    async with deps.site_uow("hefei") as uow:
        with pytest.raises(Conflict, match="已被他人修改"):
            await uow.repo.change_document(stale, {"title": "从旧版本写回的标题"})
    current = (await client.get(f"{API}/sites/hefei/documents/{doc['id']}", headers=sites.editor("hefei"))).json()
    assert current["title"] == "合肥市政府网站工作年度报表" and current["version"] == edited.json()["version"]


async def test_revisions_are_kept_and_compared(client, sites) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.draft(hefei, body_html="<p>第一段。</p><p>第二段。</p>")
    edited = (
        await client.patch(
            f"{API}/sites/hefei/documents/{doc['id']}",
            headers=sites.editor("hefei"),
            json={
                "body_html": "<p>第一段。</p><p>第二段（修订）。</p>",
                "keywords": ["政务公开"],
                "version": doc["version"],
            },
        )
    ).json()
    revisions = (
        await client.get(f"{API}/sites/hefei/documents/{doc['id']}/revisions", headers=sites.editor("hefei"))
    ).json()
    assert [r["number"] for r in revisions] == [1, 2]
    diff = (
        await client.get(
            f"{API}/sites/hefei/documents/{doc['id']}/diff", params={"from": 1, "to": 2}, headers=sites.editor("hefei")
        )
    ).json()
    changes = {c["field"]: c for c in diff["changes"]}
    assert set(changes) == {"body_html", "keywords"}
    assert (
        "-<p>第二段。</p>" in changes["body_html"]["diff"]
        and "+<p>第二段（修订）。</p>" in changes["body_html"]["diff"]
    )
    assert changes["keywords"]["after"] == ["政务公开"]
    assert edited["revision"] == 2
    missing = await client.get(
        f"{API}/sites/hefei/documents/{doc['id']}/diff", params={"from": 1, "to": 9}, headers=sites.editor("hefei")
    )
    assert missing.status_code == 404
    beyond = await client.get(
        f"{API}/sites/hefei/documents/{doc['id']}/diff",
        params={"from": 1, "to": "99999999999999999999"},
        headers=sites.editor("hefei"),
    )
    assert beyond.status_code == 422 and beyond.json()["error"]["details"][0]["field"] == "query.to"


async def test_a_live_document_keeps_its_live_text_while_an_edit_is_reviewed(client, sites, events) -> None:
    hefei = await sites.open("hefei")
    live = await sites.publish(hefei, title="合肥市二〇二六年政府信息公开工作要点")
    edit = await client.patch(
        f"{API}/sites/hefei/documents/{live['id']}",
        headers=sites.editor("hefei"),
        json={"title": "合肥市二〇二六年政务公开工作要点", "version": live["version"]},
    )
    assert edit.json()["workflow_state"] == "draft" and edit.json()["public_state"] == "live"
    public = (await client.get(f"{API}/public/sites/hefei/documents/{live['id']}")).json()
    assert public["document"]["title"] == "合肥市二〇二六年政府信息公开工作要点"
    await client.post(f"{API}/sites/hefei/documents/{live['id']}/submit", headers=sites.editor("hefei"))
    republished = await sites.approve_all(hefei, live["id"])
    assert republished["live_revision"] == 2 and republished["url_path"] == live["url_path"]
    assert republished["index_number"] == live["index_number"]
    [updated] = await events.wait_for("content.document.updated.v1")
    assert (
        updated.data["change"] == "revision" and updated.data["document"]["title"] == "合肥市二〇二六年政务公开工作要点"
    )
    listing = (await client.get(f"{API}/public/sites/hefei/channels/{hefei.channels['zwdt/yw']}/documents")).json()
    assert listing["items"][0]["title"] == "合肥市二〇二六年政务公开工作要点"


async def test_only_unpublished_drafts_can_be_deleted(client, sites) -> None:
    hefei = await sites.open("hefei")
    draft = await sites.draft(hefei)
    assert (
        await client.delete(f"{API}/sites/hefei/documents/{draft['id']}", headers=sites.editor("hefei"))
    ).status_code == 204
    assert (
        await client.get(f"{API}/sites/hefei/documents/{draft['id']}", headers=sites.editor("hefei"))
    ).status_code == 404
    live = await sites.publish(hefei)
    refused = await client.delete(f"{API}/sites/hefei/documents/{live['id']}", headers=sites.editor("hefei"))
    assert refused.status_code == 409 and "unpublish" in refused.text


async def test_listing_filters_and_channel_scoped_editors(client, sites, tokens) -> None:
    hefei = await sites.open("hefei")
    await sites.draft(hefei, "zwdt/yw", title="要闻：合肥市召开全市政务公开工作会议")
    notice = await sites.draft(hefei, "zwdt/tzgg", title="关于开展政府网站年度报表填报工作的通知")
    await sites.publish(hefei, "zwdt/tzgg", title="关于做好政府网站集约化工作的通知")
    everything = (await client.get(f"{API}/sites/hefei/documents", headers=sites.editor("hefei"))).json()
    assert everything["total"] == 3
    live = (
        await client.get(f"{API}/sites/hefei/documents", params={"public_state": "live"}, headers=sites.editor("hefei"))
    ).json()
    assert [d["title"] for d in live["items"]] == ["关于做好政府网站集约化工作的通知"]
    found = (
        await client.get(f"{API}/sites/hefei/documents", params={"q": "年度报表"}, headers=sites.editor("hefei"))
    ).json()
    assert [d["id"] for d in found["items"]] == [notice["id"]]
    from shared.auth import Grant

    scoped = tokens.bearer("notices-only", Grant(site="hefei", role="editor", channels=(hefei.channels["zwdt/tzgg"],)))
    mine = (await client.get(f"{API}/sites/hefei/documents", headers=scoped)).json()
    assert mine["total"] == 2 and all(d["channel_id"] == hefei.channels["zwdt/tzgg"] for d in mine["items"])
    elsewhere = await client.post(
        f"{API}/sites/hefei/documents",
        headers=scoped,
        json={"channel_id": hefei.channels["zwdt/yw"], "title": "越权发布的要闻稿件", "body_html": "<p>正文</p>"},
    )
    assert elsewhere.status_code == 403


async def test_documents_only_go_into_channels_of_the_site_that_hold_content(client, sites) -> None:
    hefei = await sites.open("hefei")
    ah = sites.opened["ah"]
    foreign = await client.post(
        f"{API}/sites/hefei/documents",
        headers=sites.editor("hefei"),
        json={"channel_id": ah.channels["zwdt/yw"], "title": "投错栏目的稿件标题", "body_html": "<p>正文</p>"},
    )
    assert foreign.status_code == 422 and foreign.json()["error"]["details"][0]["field"] == "channel_id"
    link = (
        await client.post(
            f"{API}/sites/hefei/channels",
            headers=sites.admin("hefei"),
            json={"slug": "zwfw", "name": "政务服务网", "kind": "link", "link_url": "https://www.ahzwfw.gov.cn/"},
        )
    ).json()
    into_link = await client.post(
        f"{API}/sites/hefei/documents",
        headers=sites.editor("hefei"),
        json={"channel_id": link["id"], "title": "外链栏目不能放稿件", "body_html": "<p>正文</p>"},
    )
    assert into_link.status_code == 422 and "外链栏目（link）" in into_link.text
    assert hefei.channels


async def test_a_documents_topic_comes_from_the_controlled_vocabulary(client, sites) -> None:
    hefei = await sites.open("hefei")
    vocabulary = (await client.get(f"{API}/topic-categories")).json()
    assert len([t for t in vocabulary if t["national"]]) == 21 and vocabulary[0]["name"] == "综合政务"
    body = {
        "channel_id": hefei.channels["zwdt/yw"],
        "title": "关于长三角政务服务一网通办的通知",
        "body_html": "<p>正文</p>",
    }
    free_text = await client.post(
        f"{API}/sites/hefei/documents", json=body | {"topic_category": "长三角一体化"}, headers=sites.editor("hefei")
    )
    assert free_text.status_code == 422 and free_text.json()["error"]["details"][0]["field"] == "topic_category"
    operator = sites.operator
    added = await client.post(
        f"{API}/topic-categories", json={"name": "长三角一体化", "position": 15}, headers=operator
    )
    assert added.status_code == 201 and added.json()["national"] is False
    again = await client.post(f"{API}/topic-categories", json={"name": "长三角一体化"}, headers=operator)
    assert again.status_code == 409
    refused = await client.post(f"{API}/topic-categories", json={"name": "其它"}, headers=sites.admin("hefei"))
    assert refused.status_code == 403  # the province's vocabulary is the platform's, not a site's
    created = await client.post(
        f"{API}/sites/hefei/documents", json=body | {"topic_category": "长三角一体化"}, headers=sites.editor("hefei")
    )
    assert created.status_code == 201 and created.json()["topic_category"] == "长三角一体化"
    edited = await client.patch(
        f"{API}/sites/hefei/documents/{created.json()['id']}",
        json={"version": created.json()["version"], "topic_category": "不存在的分类"},
        headers=sites.editor("hefei"),
    )
    assert edited.status_code == 422
