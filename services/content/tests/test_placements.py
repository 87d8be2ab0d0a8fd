"""One document in many channels: reposts from the library, pushes to lower sites, subscriptions,
and interpretation links — without copies."""

from __future__ import annotations

import asyncio

from services.content.main import ContentRuntime
from services.content.tests.support import API


async def test_a_site_reposts_a_live_document_of_another_site(client, sites, events) -> None:
    ah, hefei = (await sites.chain("ah", "hefei")).values()
    policy = await sites.publish(ah, "zfxxgk/fdzdgknr/zcwj", title="安徽省人民政府关于深化政务公开的意见")
    library = (await client.get(f"{API}/library", params={"q": "深化政务公开"}, headers=sites.editor("hefei"))).json()
    assert [d["id"] for d in library["items"]] == [policy["id"]]
    response = await client.post(
        f"{API}/sites/hefei/channels/{hefei.channels['zwdt/tzgg']}/placements",
        headers=sites.editor("hefei"),
        json={"document_id": policy["id"]},
    )
    assert response.status_code == 201
    placement = response.json()
    assert placement["kind"] == "repost" and placement["url_path"].startswith("/zwdt/tzgg/")
    listing = (await client.get(f"{API}/public/sites/hefei/channels/{hefei.channels['zwdt/tzgg']}/documents")).json()
    assert listing["items"][0]["source_site_id"] == "ah" and listing["items"][0]["url_path"] == placement["url_path"]
    page = (await client.get(f"{API}/public/sites/hefei/pages", params={"path": placement["url_path"]})).json()
    assert page["document"]["site_id"] == "ah"
    [event] = await events.wait_for("content.document.updated.v1")
    assert event.data["change"] == "placements"
    assert {(p["site_id"], p["kind"]) for p in event.data["placements"]} == {("ah", "primary"), ("hefei", "repost")}
    twice = await client.post(
        f"{API}/sites/hefei/channels/{hefei.channels['zwdt/tzgg']}/placements",
        headers=sites.editor("hefei"),
        json={"document_id": policy["id"]},
    )
    assert twice.status_code == 409


async def test_drafts_of_other_sites_cannot_be_reposted(client, sites) -> None:
    ah, hefei = (await sites.chain("ah", "hefei")).values()
    draft = await sites.draft(ah)
    response = await client.post(
        f"{API}/sites/hefei/channels/{hefei.channels['zwdt/tzgg']}/placements",
        headers=sites.editor("hefei"),
        json={"document_id": draft["id"]},
    )
    assert response.status_code == 422 and "不是资源库中已上线的稿件" in response.text


async def test_removing_a_repost_announces_where_it_was(client, sites, events) -> None:
    ah, hefei = (await sites.chain("ah", "hefei")).values()
    doc = await sites.publish(ah)
    channel = hefei.channels["zwdt/tzgg"]
    placement = (
        await client.post(
            f"{API}/sites/hefei/channels/{channel}/placements",
            headers=sites.editor("hefei"),
            json={"document_id": doc["id"]},
        )
    ).json()
    gone = await client.delete(
        f"{API}/sites/hefei/channels/{channel}/placements/{placement['id']}", headers=sites.editor("hefei")
    )
    assert gone.status_code == 204
    updates = await events.wait_for("content.document.updated.v1", count=2)
    assert updates[-1].data["removed_placements"][0]["url_path"] == placement["url_path"]
    primary = next(p for p in updates[0].data["placements"] if p["kind"] == "primary")
    own = await client.delete(
        f"{API}/sites/ah/channels/{primary['channel_id']}/placements/1", headers=sites.editor("ah")
    )
    assert own.status_code in (404, 409)


async def test_higher_sites_push_only_downwards(client, sites) -> None:
    ah, hefei, wuhu, feixi = (await sites.chain("ah", "hefei", "wuhu", "feixi")).values()
    city_doc = await sites.publish(hefei, "zfxxgk/fdzdgknr/zcwj")
    target = {"site_id": "feixi", "channel_id": feixi.channels["zfxxgk/fdzdgknr/zcwj"]}
    pushed = await client.post(
        f"{API}/sites/hefei/documents/{city_doc['id']}/push", headers=sites.admin("hefei"), json={"targets": [target]}
    )
    assert pushed.status_code == 200 and pushed.json()["placed"][0]["kind"] == "push"
    again = (
        await client.post(
            f"{API}/sites/hefei/documents/{city_doc['id']}/push",
            headers=sites.admin("hefei"),
            json={"targets": [target]},
        )
    ).json()
    assert again["placed"] == [] and again["already_present"] == [target]
    sideways = await client.post(
        f"{API}/sites/hefei/documents/{city_doc['id']}/push",
        headers=sites.admin("hefei"),
        json={"targets": [{"site_id": "wuhu", "channel_id": wuhu.channels["zwdt/tzgg"]}]},
    )
    assert sideways.status_code == 422 and "站点 wuhu 不是站点 hefei 的下级站点" in sideways.text
    upwards = await client.post(
        f"{API}/sites/hefei/documents/{city_doc['id']}/push",
        headers=sites.admin("hefei"),
        json={"targets": [{"site_id": "ah", "channel_id": ah.channels["zwdt/tzgg"]}]},
    )
    assert upwards.status_code == 422
    by_editor = await client.post(
        f"{API}/sites/hefei/documents/{city_doc['id']}/push", headers=sites.editor("hefei"), json={"targets": [target]}
    )
    assert by_editor.status_code == 403


async def test_subscribed_channels_take_in_new_documents_once(app, client, sites, events) -> None:
    hefei, feixi = (await sites.chain("hefei", "feixi")).values()
    subscription = await client.post(
        f"{API}/sites/feixi/channels/{feixi.channels['zwdt/tzgg']}/subscriptions",
        headers=sites.admin("feixi"),
        json={"source_site_id": "hefei", "source_channel_id": hefei.channels["zwdt/tzgg"]},
    )
    assert subscription.status_code == 201
    notice = await sites.publish(hefei, "zwdt/tzgg", title="合肥市关于做好元旦春节期间政务值班工作的通知")
    await sites.publish(hefei, "zwdt/yw")  # another channel: not taken in
    [published] = await events.wait_for("content.document.published.v1", subject=f"documents/{notice['id']}")
    updates = await events.wait_for("content.document.updated.v1", subject=f"documents/{notice['id']}")
    assert {p["site_id"] for p in updates[0].data["placements"]} == {"hefei", "feixi"}
    listing = (await client.get(f"{API}/public/sites/feixi/channels/{feixi.channels['zwdt/tzgg']}/documents")).json()
    assert [i["id"] for i in listing["items"]] == [notice["id"]] and listing["items"][0]["kind"] == "subscription"

    # The same event delivered again changes nothing (the consumer's inbox remembers it).
    consumer = next(s.handler for s in ContentRuntime.of(app).bus.subscriptions if s.group == "content.subscriptions")
    from shared.bus import Message
    from shared.events.envelope import envelope_bytes

    await consumer(Message("content.documents", str(notice["id"]), envelope_bytes(published)))
    await asyncio.sleep(0.05)
    listing = (await client.get(f"{API}/public/sites/feixi/channels/{feixi.channels['zwdt/tzgg']}/documents")).json()
    assert listing["total"] == 1
    assert len(events.distinct("content.document.updated.v1", f"documents/{notice['id']}")) == 1

    # A run of them (a migration publishes thousands into one channel): each taken in once, the rest left alone.
    second = await sites.publish(hefei, "zwdt/tzgg", title="合肥市人民政府关于2026年部分节假日安排的通知")
    other = await sites.publish(hefei, "zwdt/yw", title="合肥市召开政务公开工作推进会")
    runs = [
        await events.wait_for("content.document.published.v1", subject=f"documents/{d['id']}") for d in (second, other)
    ]
    await events.wait_for("content.document.updated.v1", subject=f"documents/{second['id']}")
    replayed = [published, runs[0][0], runs[1][0]]
    again = [Message("content.documents", e.subject.rsplit("/", 1)[-1], envelope_bytes(e)) for e in replayed]
    await consumer.handle_batch(again)
    listing = (await client.get(f"{API}/public/sites/feixi/channels/{feixi.channels['zwdt/tzgg']}/documents")).json()
    assert {i["id"] for i in listing["items"]} == {notice["id"], second["id"]}
    assert len(events.distinct("content.document.updated.v1", f"documents/{second['id']}")) == 1


async def test_interpretations_link_both_ways(client, sites, events) -> None:
    ah, hefei = (await sites.chain("ah", "hefei")).values()
    policy = await sites.publish(ah, "zfxxgk/fdzdgknr/zcwj", title="安徽省政府网站集约化建设实施方案")
    reading = await sites.publish(hefei, "zcjd", title="《安徽省政府网站集约化建设实施方案》政策解读")
    linked = await client.put(
        f"{API}/sites/hefei/documents/{reading['id']}/interprets",
        headers=sites.editor("hefei"),
        json={"policy_ids": [policy["id"]]},
    )
    assert linked.status_code == 200
    policy_page = (await client.get(f"{API}/public/sites/ah/documents/{policy['id']}")).json()
    assert [r["title"] for r in policy_page["document"]["interpretations"]] == [reading["title"]]
    reading_page = (await client.get(f"{API}/public/sites/hefei/documents/{reading['id']}")).json()
    assert [r["id"] for r in reading_page["document"]["interprets"]] == [policy["id"]]
    updates = await events.wait_for("content.document.updated.v1", count=2)
    assert {e.subject for e in updates} == {f"documents/{policy['id']}", f"documents/{reading['id']}"}
    itself = await client.put(
        f"{API}/sites/hefei/documents/{reading['id']}/interprets",
        headers=sites.editor("hefei"),
        json={"policy_ids": [reading["id"]]},
    )
    assert itself.status_code == 422
    draft = await sites.draft(ah)
    unpublished = await client.put(
        f"{API}/sites/hefei/documents/{reading['id']}/interprets",
        headers=sites.editor("hefei"),
        json={"policy_ids": [draft["id"]]},
    )
    assert unpublished.status_code == 422 and "既未上线，也不属于本站点" in unpublished.text


async def test_the_library_shows_other_sites_only_what_they_published(client, sites) -> None:
    ah, _ = (await sites.chain("ah", "hefei")).values()
    policy = await sites.publish(ah, "zfxxgk/fdzdgknr/zcwj", title="安徽省人民政府关于深化政务公开的意见")
    edited = await client.patch(
        f"{API}/sites/ah/documents/{policy['id']}",
        json={"version": policy["version"], "title": "内部讨论稿：政务公开考核办法（未审）"},
        headers=sites.editor("ah"),
    )
    assert edited.status_code == 200, edited.text
    hefei_editor = sites.editor("hefei")
    unreviewed = await client.get(f"{API}/library", params={"q": "内部讨论稿"}, headers=hefei_editor)
    assert unreviewed.json()["total"] == 0
    [item] = (await client.get(f"{API}/library", params={"q": "深化政务公开"}, headers=hefei_editor)).json()["items"]
    assert item["title"] == "安徽省人民政府关于深化政务公开的意见" and item["url_path"] == policy["url_path"]
    assert not {"workflow_state", "review_step", "version", "updated_at"} & set(item)


async def test_a_link_made_while_one_end_was_a_draft_reaches_both_pages_when_it_is_published(
    client, sites, events
) -> None:
    ah = await sites.open("ah")
    policy = await sites.draft(
        ah, "zfxxgk/fdzdgknr/zcwj", title="安徽省人民政府关于优化营商环境的若干意见", submit=True
    )
    reading = await sites.draft(ah, "zcjd", title="《关于优化营商环境的若干意见》政策解读", submit=True)
    await sites.approve_all(ah, reading["id"])  # the 解读 is live, its policy still in review
    linked = await client.put(
        f"{API}/sites/ah/documents/{reading['id']}/interprets",
        json={"policy_ids": [policy["id"]]},
        headers=sites.editor("ah"),
    )
    assert linked.status_code == 200
    before = await events.wait_for("content.document.updated.v1", f"documents/{reading['id']}")
    assert before[-1].data["document"]["interprets"] == []  # a draft is nobody's link yet
    await sites.approve_all(ah, policy["id"])  # now the policy goes live
    [published] = await events.wait_for("content.document.published.v1", f"documents/{policy['id']}")
    assert [r["id"] for r in published.data["document"]["interpretations"]] == [reading["id"]]
    updates = await events.wait_for("content.document.updated.v1", f"documents/{reading['id']}", count=2)
    again = max(updates, key=lambda e: e.data["aggregate_version"])
    assert again.data["change"] == "links"
    assert [(r["id"], r["title"]) for r in again.data["document"]["interprets"]] == [(policy["id"], policy["title"])]
    withdraw = {"kind": "withdraw", "reason": "意见已废止重发"}
    down = await client.post(
        f"{API}/sites/ah/documents/{policy['id']}/unpublish", json=withdraw, headers=sites.admin("ah")
    )
    assert down.status_code == 200
    updates = await events.wait_for("content.document.updated.v1", f"documents/{reading['id']}", count=3)
    assert max(updates, key=lambda e: e.data["aggregate_version"]).data["document"]["interprets"] == []
