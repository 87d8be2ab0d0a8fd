"""Opening, closing (关停) and merging (整合) sites: who may ask, who decides, and what is kept."""

from __future__ import annotations

from services.content.main import create_app
from services.content.tests.support import API, SiteFactory
from shared.testing import running


async def test_a_site_admin_asks_to_close_and_an_operator_carries_it_out(client, sites, events) -> None:
    await sites.chain("ah", "hefei", "feixi")
    asked = await client.post(
        f"{API}/sites/feixi/changes",
        json={"kind": "close", "reason": "并入合肥市门户网站"},
        headers=sites.admin("feixi"),
    )
    assert asked.status_code == 201 and asked.json()["status"] == "pending"
    assert asked.json()["successor_id"] == "hefei"  # its parent, since none was named
    mine = await client.get(f"{API}/site-changes", params={"site_id": "feixi"}, headers=sites.admin("feixi"))
    assert [c["id"] for c in mine.json()] == [asked.json()["id"]]
    others = await client.get(f"{API}/site-changes", params={"site_id": "hefei"}, headers=sites.admin("feixi"))
    assert others.status_code == 403
    refused = await client.post(
        f"{API}/site-changes/{asked.json()['id']}/approve", json={}, headers=sites.admin("feixi")
    )
    assert refused.status_code == 403  # a site admin does not close their own site
    approved = await client.post(
        f"{API}/site-changes/{asked.json()['id']}/approve", json={"comment": "同意整合"}, headers=sites.operator
    )
    assert approved.status_code == 200 and approved.json()["decided_by"] == "operator"
    site = (await client.get(f"{API}/sites/feixi", headers=sites.admin("feixi"))).json()
    assert site["status"] == "closed" and site["successor_id"] == "hefei"
    updates = await events.wait_for("content.site.updated.v1", "sites/feixi")
    assert updates[-1].data["site"]["status"] == "closed" and updates[-1].data["site"]["successor_id"] == "hefei"
    twice = await client.post(f"{API}/site-changes/{asked.json()['id']}/approve", json={}, headers=sites.operator)
    assert twice.status_code == 409


async def test_where_the_platform_requires_it_another_operator_approves(settings, tokens) -> None:
    strict = settings.model_copy(update={"site_changes_need_approval": True})
    async with running(create_app(strict, access_log=False)) as client:
        sites = SiteFactory(client, tokens)
        first = tokens.bearer("zhangyun", ("*", "platform_operator"))
        second = tokens.bearer("liming", ("*", "platform_operator"))
        straight_online = await sites.client.post(f"{API}/sites", json=_site("ah", "online"), headers=first)
        assert straight_online.status_code == 409 and straight_online.json()["error"]["code"] == "needs_approval"
        assert (await client.post(f"{API}/sites", json=_site("ah", "building"), headers=first)).status_code == 201
        opening = (
            await client.post(f"{API}/sites/ah/changes", json={"kind": "open", "reason": "完成备案"}, headers=first)
        ).json()
        opened = await client.post(f"{API}/site-changes/{opening['id']}/approve", json={}, headers=second)
        assert opened.json()["status"] == "approved"
        assert (await client.get(f"{API}/sites/ah", headers=first)).json()["status"] == "online"
        hefei = _site("hefei", "building") | {
            "level": "city",
            "parent_id": "ah",
            "site_code": "3401000001",
            "main_domain": "www.hefei.gov.cn",
        }
        assert (await client.post(f"{API}/sites", json=hefei, headers=first)).status_code == 201
        opening = (
            await client.post(f"{API}/sites/hefei/changes", json={"kind": "open", "reason": "上线"}, headers=first)
        ).json()
        await client.post(f"{API}/site-changes/{opening['id']}/approve", json={}, headers=second)
        shortcut = await client.patch(f"{API}/sites/hefei", json={"status": "closed"}, headers=first)
        assert shortcut.status_code == 409 and shortcut.json()["error"]["code"] == "needs_approval"
        merge = {"kind": "merge", "successor_id": "ah", "reason": "市级网站整合至省级平台"}
        asked = (await client.post(f"{API}/sites/hefei/changes", json=merge, headers=first)).json()
        assert asked["status"] == "pending"
        own = await client.post(f"{API}/site-changes/{asked['id']}/approve", json={}, headers=first)
        assert own.status_code == 403 and own.json()["error"]["code"] == "own_request"
        rejected = await client.post(
            f"{API}/site-changes/{asked['id']}/reject", json={"comment": "整合方案尚未批复"}, headers=second
        )
        assert rejected.json()["status"] == "rejected" and rejected.json()["comment"] == "整合方案尚未批复"
        site = (await client.get(f"{API}/sites/hefei", headers=first)).json()
        assert site["status"] == "online"
        pending = (await client.get(f"{API}/site-changes", params={"status": "pending"}, headers=first)).json()
        assert pending == []
        audit = (await client.get(f"{API}/sites/hefei/audit", headers=second)).json()
        assert {"site.merge_requested", "site.merge_rejected"} <= {e["action"] for e in audit["items"]}


async def test_a_site_is_never_sent_on_to_itself_or_to_a_site_that_is_not_online(client, sites) -> None:
    await sites.chain("ah", "hefei")
    for successor in ("hefei", "nowhere"):
        asked = await client.post(
            f"{API}/sites/hefei/changes",
            json={"kind": "merge", "successor_id": successor, "reason": "整合"},
            headers=sites.operator,
        )
        assert asked.status_code == 422 and "successor_id" in asked.json()["error"]["message"]
    top = await client.post(f"{API}/sites/ah/changes", json={"kind": "close", "reason": "关停"}, headers=sites.operator)
    assert top.status_code == 422  # a province names where its visitors go


def _site(site_id: str, status: str) -> dict:
    return {
        "id": site_id,
        "name": "安徽省人民政府",
        "host_unit": "安徽省人民政府办公厅",
        "site_code": "3400000001",
        "org_code": "003014349",
        "level": "province",
        "main_domain": "www.ah.gov.cn",
        "status": status,
    }
