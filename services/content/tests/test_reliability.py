"""Nothing is lost or half-written: the outbox survives broker outages and restarts, redelivered events
change nothing, and a crash in the middle of publishing leaves no trace."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess

import pytest
from sqlalchemy import func, select

from services.content.main import ContentRuntime, create_app
from services.content.models import Document, Inbox, Outbox, Placement
from services.content.tests.support import API, SiteFactory
from shared.events.content import DOCUMENTS_TOPIC
from shared.testing import EventLog, running


async def pending_outbox(app) -> int:
    return await ContentRuntime.of(app).relay.pending()


@contextlib.asynccontextmanager
async def broker_outage(app, backends):
    """Take the broker away: the real Kafka process when testing against it, else the in-process bus."""
    if backends.bus_url:
        assert backends.kafka_ctl, "SG_TEST_KAFKA_CTL must name scripts/backends/kafka.sh"
        await asyncio.to_thread(subprocess.run, [backends.kafka_ctl, "stop"], check=True, capture_output=True)
        try:
            yield
        finally:
            await asyncio.to_thread(subprocess.run, [backends.kafka_ctl, "start"], check=True, capture_output=True)
    else:
        bus = ContentRuntime.of(app).bus
        await bus.stop()
        try:
            yield
        finally:
            await bus.start()


@pytest.mark.slow
async def test_the_outbox_survives_a_broker_outage(app, client, sites, events, backends) -> None:
    hefei, feixi = (await sites.chain("hefei", "feixi")).values()
    await client.post(
        f"{API}/sites/feixi/channels/{feixi.channels['zwdt/tzgg']}/subscriptions",
        headers=sites.admin("feixi"),
        json={"source_site_id": "hefei", "source_channel_id": hefei.channels["zwdt/tzgg"]},
    )
    await events.wait_for("content.channel.created.v1", count=len(feixi.channels) * 2)
    async with broker_outage(app, backends):
        published = [await sites.publish(hefei, "zwdt/tzgg", title=f"停机期间发布的第{i}号通知") for i in range(5)]
        await asyncio.sleep(0.5)
        assert await pending_outbox(app) >= 5
        assert events.of_type("content.document.published.v1") == []
    got = await events.wait_for("content.document.published.v1", count=5, timeout=60)
    assert sorted(int(e.subject.split("/")[1]) for e in got) == sorted(d["id"] for d in published)
    await events.wait_for("content.document.updated.v1", count=5, timeout=60)
    listing = (await client.get(f"{API}/public/sites/feixi/channels/{feixi.channels['zwdt/tzgg']}/documents")).json()
    assert listing["total"] == 5  # each subscription effect happened exactly once
    await asyncio.sleep(0.3)
    # At least once: an event whose acknowledgement was lost in the outage may come twice, always with the
    # same id (it is the same outbox row), which is what the consumers' inboxes key on.
    assert len(events.distinct("content.document.published.v1")) == 5
    assert await pending_outbox(app) == 0


async def test_committed_events_leave_after_a_restart(settings, tokens) -> None:
    """The process dies after committing but before relaying: the next process sends the events."""
    stopped = create_app(settings.model_copy(update={"relay_enabled": False}), access_log=False)
    async with running(stopped) as http:
        sites = SiteFactory(http, tokens)  # only this app may run on the database: no other relay
        hefei = await sites.open("hefei")
        doc = await sites.publish(hefei)
        assert await pending_outbox(stopped) > 0
    restarted = create_app(settings, access_log=False)
    log = EventLog()
    ContentRuntime.of(restarted).bus.subscribe("tests.after-restart", [DOCUMENTS_TOPIC], log.handle)
    async with running(restarted):
        [event] = await log.wait_for("content.document.published.v1", timeout=30)
        assert event.subject == f"documents/{doc['id']}"
        await asyncio.sleep(0.2)
        assert await pending_outbox(restarted) == 0


async def test_a_crash_in_the_middle_of_publishing_leaves_no_trace(app, client, sites, events, monkeypatch) -> None:
    hefei = await sites.open("hefei")
    doc = await sites.draft(hefei, submit=True)
    for step in ("初审", "审核"):
        await client.post(f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=sites.reviewer("hefei", step))
    before = (await client.get(f"{API}/sites/hefei/documents/{doc['id']}", headers=sites.editor("hefei"))).json()
    outbox_before = await count(app, Outbox)

    from services.content.service import publishing

    async def power_cut(*_args, **_kwargs):
        raise RuntimeError("power cut after the placement and the index number were written")

    monkeypatch.setattr(publishing, "document_event", power_cut)
    crashed = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/approve", headers=sites.reviewer("hefei", "审发")
    )
    assert crashed.status_code == 500 and "请求 ID" in crashed.json()["error"]["message"]
    monkeypatch.undo()

    after = (await client.get(f"{API}/sites/hefei/documents/{doc['id']}", headers=sites.editor("hefei"))).json()
    assert after == before and after["index_number"] is None and after["url_path"] is None
    assert await count(app, Placement) == 0 and await count(app, Outbox) == outbox_before
    public = await client.get(f"{API}/public/sites/hefei/documents/{doc['id']}")
    assert public.status_code == 404

    retried = await sites.approve_all(hefei, doc["id"], ("审发",))
    assert retried["index_number"].endswith("-00001")  # the number taken in the crash was never used
    await events.wait_for("content.document.published.v1")


async def test_a_redelivered_event_changes_nothing(app, client, sites, events) -> None:
    hefei, feixi = (await sites.chain("hefei", "feixi")).values()
    await client.post(
        f"{API}/sites/feixi/channels/{feixi.channels['zwdt/tzgg']}/subscriptions",
        headers=sites.admin("feixi"),
        json={"source_site_id": "hefei", "source_channel_id": hefei.channels["zwdt/tzgg"]},
    )
    doc = await sites.publish(hefei, "zwdt/tzgg")
    await events.wait_for("content.document.updated.v1", subject=f"documents/{doc['id']}")
    state = await snapshot_counts(app)
    consumer = next(s.handler for s in ContentRuntime.of(app).bus.subscriptions if s.group == "content.subscriptions")
    rows = await outbox_messages(app, f"documents/{doc['id']}")
    for _ in range(3):
        for message in rows:
            await consumer(message)
    assert await snapshot_counts(app) == state


async def count(app, model) -> int:
    async with ContentRuntime.of(app).deps.platform_uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(model))


async def snapshot_counts(app) -> tuple[int, ...]:
    return tuple([await count(app, m) for m in (Placement, Inbox, Outbox, Document)])


async def outbox_messages(app, subject: str):
    from shared.bus import Message
    from shared.events.envelope import parse_envelope

    async with ContentRuntime.of(app).deps.platform_uow() as uow:
        rows = (await uow.session.scalars(select(Outbox).order_by(Outbox.id))).all()
    return [Message(r.topic, r.key, r.payload) for r in rows if parse_envelope(r.payload).subject == subject]
