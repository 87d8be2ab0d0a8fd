"""Publication and taking down: index numbers, withdrawal kinds, validity marks, schedules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.content.main import ContentRuntime
from services.content.tests.support import API
from shared.clock import china_time


async def test_index_numbers_count_per_unit_and_year_and_never_change(client, sites) -> None:
    hefei = await sites.open("hefei")
    department = (
        await client.post(
            f"{API}/sites/hefei/channels",
            headers=sites.admin("hefei"),
            json={
                "parent_id": hefei.channels["zfxxgk/fdzdgknr"],
                "slug": "fgw",
                "name": "市发展改革委",
                "unit_name": "合肥市发展和改革委员会",
                "unit_code": "003254617",
            },
        )
    ).json()
    hefei.channels["fgw"] = department["id"]
    first = await sites.publish(hefei)
    second = await sites.publish(hefei, "zwdt/tzgg")
    own_unit = await sites.publish(hefei, "fgw")
    year = china_time(datetime.now(UTC)).year
    assert first["index_number"] == f"003254560/{year}-00001"
    assert second["index_number"] == f"003254560/{year}-00002"
    assert own_unit["index_number"] == f"003254617/{year}-00001"


async def test_withdrawal_keeps_the_page_with_a_notice(client, sites, events) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.publish(hefei)
    by_editor = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/unpublish",
        headers=sites.editor("hefei"),
        json={"kind": "withdraw", "reason": "内容已过时"},
    )
    assert by_editor.status_code == 403
    done = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/unpublish",
        headers=sites.admin("hefei"),
        json={"kind": "withdraw", "reason": "内容已过时"},
    )
    assert done.json()["public_state"] == "withdrawn"
    page = (await client.get(f"{API}/public/sites/hefei/pages", params={"path": doc["url_path"]})).json()
    assert page["state"] == "withdrawn" and page["notice"] == "该信息已撤回" and page["reason"] == "内容已过时"
    listing = (await client.get(f"{API}/public/sites/hefei/channels/{hefei.channels['zwdt/yw']}/documents")).json()
    assert listing["total"] == 0
    [event] = await events.wait_for("content.document.withdrawn.v1")
    assert event.data["kind"] == "withdraw" and event.data["reason"] == "内容已过时"
    again = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/unpublish",
        headers=sites.admin("hefei"),
        json={"kind": "gone", "reason": "重复"},
    )
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("kind", "extra", "status"),
    [
        ("redirect", {"redirect_url": "https://www.ah.gov.cn/zwgk/xxgk/index.html"}, 200),
        ("gone", {}, 410),
    ],
)
async def test_redirect_and_gone(client, sites, events, kind, extra, status) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.publish(hefei)
    response = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/unpublish",
        headers=sites.admin("hefei"),
        json={"kind": kind, "reason": "栏目调整", **extra},
    )
    assert response.status_code == 200
    page = await client.get(f"{API}/public/sites/hefei/pages", params={"path": doc["url_path"]})
    assert page.status_code == status
    if kind == "redirect":
        assert page.json()["redirect_url"] == extra["redirect_url"]
    [event] = await events.wait_for("content.document.withdrawn.v1")
    assert event.data["kind"] == kind


async def test_redirect_needs_a_url_and_only_redirect_takes_one(client, sites) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.publish(hefei)
    for body in ({"kind": "redirect", "reason": "迁移"}, {"kind": "gone", "reason": "删除", "redirect_url": "/a"}):
        response = await client.post(
            f"{API}/sites/hefei/documents/{doc['id']}/unpublish", headers=sites.admin("hefei"), json=body
        )
        assert response.status_code == 422 and "redirect_url" in response.text


async def test_validity_marks_show_on_the_live_page_at_once(client, sites, events) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.publish(hefei, "zfxxgk/fdzdgknr/zcwj", document_number="合政办〔2025〕12号")
    by_editor = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/validity", headers=sites.editor("hefei"), json={"validity": "废止"}
    )
    assert by_editor.status_code == 403
    marked = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/validity",
        headers=sites.reviewer("hefei", "审发"),
        json={"validity": "废止", "note": "已被新文件替代"},
    )
    assert marked.status_code == 200 and marked.json()["validity"] == "废止"
    public = (await client.get(f"{API}/public/sites/hefei/documents/{doc['id']}")).json()
    assert public["document"]["disclosure"]["validity"] == "废止"
    assert public["document"]["disclosure"]["document_number"] == "合政办〔2025〕12号"
    [event] = await events.wait_for("content.document.updated.v1")
    assert event.data["change"] == "validity"
    bad = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/validity", headers=sites.admin("hefei"), json={"validity": "作废"}
    )
    assert bad.status_code == 422 and "body.validity" in bad.text


async def test_scheduled_publication_and_expiry_run_inside_the_service(app, client, sites, events) -> None:
    hefei = await sites.open("hefei")
    now = datetime.now(UTC)
    publish_at, expires_at = now + timedelta(hours=2), now + timedelta(days=3)
    doc = await sites.draft(hefei, submit=True, publish_at=publish_at.isoformat(), expires_at=expires_at.isoformat())
    approved = await sites.approve_all(hefei, doc["id"])
    assert approved["workflow_state"] == "scheduled" and approved["public_state"] == "unpublished"
    scheduler, deps = ContentRuntime.of(app).scheduler, ContentRuntime.of(app).deps
    assert await scheduler.tick() == (0, 0)
    tick_time = publish_at + timedelta(seconds=1)
    deps.clock = lambda: tick_time
    assert await scheduler.tick() == (1, 0)
    live = (await client.get(f"{API}/sites/hefei/documents/{doc['id']}", headers=sites.editor("hefei"))).json()
    # The document goes live when the scheduler finds it due, so it carries the tick's time.
    assert live["public_state"] == "live" and datetime.fromisoformat(live["published_at"]) == tick_time
    await events.wait_for("content.document.published.v1")
    deps.clock = lambda: expires_at + timedelta(seconds=1)
    assert await scheduler.tick() == (0, 1)
    expired = (await client.get(f"{API}/sites/hefei/documents/{doc['id']}", headers=sites.editor("hefei"))).json()
    assert expired["public_state"] == "expired"
    await events.wait_for("content.document.expired.v1")
    audit = (
        await client.get(f"{API}/sites/hefei/audit", params={"entity_id": str(doc["id"])}, headers=sites.admin("hefei"))
    ).json()
    assert {"document.scheduled", "document.published", "document.expired"} <= {e["action"] for e in audit["items"]}


async def test_expiry_must_follow_publication(client, sites) -> None:
    hefei = await sites.open("hefei")
    now = datetime.now(UTC)
    response = await client.post(
        f"{API}/sites/hefei/documents",
        headers=sites.editor("hefei"),
        json={
            "channel_id": hefei.channels["zwdt/yw"],
            "title": "定时发布的稿件标题",
            "body_html": "<p>正文</p>",
            "publish_at": (now + timedelta(days=2)).isoformat(),
            "expires_at": (now + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 422 and "expires_at 须晚于 publish_at" in response.text
    naive = await client.post(
        f"{API}/sites/hefei/documents",
        headers=sites.editor("hefei"),
        json={
            "channel_id": hefei.channels["zwdt/yw"],
            "title": "没有时区的时间",
            "body_html": "<p>正文</p>",
            "publish_at": "2026-12-01T09:00:00",
        },
    )
    assert naive.status_code == 422 and "body.publish_at" in naive.text
