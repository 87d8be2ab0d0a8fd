"""有效性: a 修改/废止/失效 mark with its note and the document replacing it, one at a time or many at once."""

from __future__ import annotations

from services.content.tests.support import API

POLICY_CHANNEL = "zfxxgk/fdzdgknr/zcwj"


async def test_a_mark_carries_its_note_and_the_document_that_replaces_it(client, sites, events) -> None:
    hefei = await sites.open("hefei")
    old = await sites.publish(hefei, POLICY_CHANNEL, title="合肥市政府网站管理办法（2019年）")
    new = await sites.publish(hefei, POLICY_CHANNEL, title="合肥市政府网站管理办法（2026年修订）")
    draft = await sites.draft(hefei, POLICY_CHANNEL, title="合肥市政府网站管理办法（征求意见稿）")
    url = f"{API}/sites/hefei/documents/{old['id']}/validity"
    admin = sites.admin("hefei")
    for replacing, field in ((draft["id"], "replaced_by"), (old["id"], "replaced_by")):
        refused = await client.post(url, json={"validity": "废止", "replaced_by": replacing}, headers=admin)
        assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == field
    mark = {"validity": "废止", "note": "已被2026年修订版替代", "replaced_by": new["id"]}
    marked = await client.post(url, json=mark, headers=admin)
    assert marked.status_code == 200 and marked.json()["validity_note"] == "已被2026年修订版替代"
    updates = await events.wait_for("content.document.updated.v1", f"documents/{old['id']}")
    disclosure = updates[-1].data["document"]["disclosure"]
    assert disclosure["validity"] == "废止" and disclosure["validity_note"] == "已被2026年修订版替代"
    assert disclosure["replaced_by"]["id"] == new["id"] and disclosure["replaced_by"]["title"] == new["title"]
    listed = await client.get(f"{API}/sites/hefei/documents", params={"validity": "废止"}, headers=admin)
    assert [d["id"] for d in listed.json()["items"]] == [old["id"]]
    public = await client.get(
        f"{API}/public/sites/hefei/channels/{hefei.channels[POLICY_CHANNEL]}/documents", params={"validity": "有效"}
    )
    assert [d["id"] for d in public.json()["items"]] == [new["id"]]
    back = await client.post(url, json={"validity": "有效"}, headers=admin)
    assert back.json()["validity_note"] is None and back.json()["replaced_by_id"] is None


async def test_many_documents_are_marked_at_once_or_not_at_all_with_a_report(client, sites, events) -> None:
    hefei = await sites.open("hefei")
    await sites.open("wuhu")
    docs = [await sites.publish(hefei, POLICY_CHANNEL, title=f"合肥市2016年第{n}号规范性文件") for n in range(1, 5)]
    foreign = await sites.publish(await sites.open("wuhu"), POLICY_CHANNEL, title="芜湖市规范性文件")
    url = f"{API}/sites/hefei/validity"
    admin = sites.admin("hefei")
    await client.post(f"{API}/sites/hefei/documents/{docs[0]['id']}/validity", json={"validity": "失效"}, headers=admin)
    ids = [d["id"] for d in docs]
    mixed = await client.post(url, json={"document_ids": [*ids, foreign["id"]], "validity": "失效"}, headers=admin)
    assert mixed.status_code == 422 and mixed.json()["error"]["code"] == "validity_refused"
    report = mixed.json()["error"]["details"]
    assert report["refused"] == [{"document_id": foreign["id"], "reason": "本站没有这份文件"}]
    assert report["applied"] is False and sorted(report["changed"]) == ids[1:]
    listed = await client.get(f"{API}/sites/hefei/documents", params={"validity": "失效"}, headers=admin)
    assert [d["id"] for d in listed.json()["items"]] == [ids[0]]  # nothing of the refused batch was written
    dry = await client.post(url, json={"document_ids": ids, "validity": "失效", "dry_run": True}, headers=admin)
    assert dry.json() == {"applied": False, "changed": ids[1:], "unchanged": [ids[0]], "refused": []}
    note = "根据《合肥市人民政府关于清理规范性文件的决定》宣布失效"
    done = await client.post(url, json={"document_ids": ids, "validity": "失效", "note": note}, headers=admin)
    assert done.status_code == 200 and done.json()["applied"] is True and done.json()["changed"] == ids  # a note too
    for doc in docs[1:]:
        [*_, last] = await events.wait_for("content.document.updated.v1", f"documents/{doc['id']}")
        assert last.data["document"]["disclosure"]["validity_note"] == note
    editor = await client.post(url, json={"document_ids": ids, "validity": "有效"}, headers=sites.editor("hefei"))
    assert editor.status_code == 403
