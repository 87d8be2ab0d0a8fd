"""The index is rebuilt while it answers (new index, then swapped), and a site's choice to keep withdrawn
documents findable, flagged, is followed."""

from __future__ import annotations

import asyncio

from services.search.main import SearchRuntime
from services.search.tests.support import HEFEI, MAS, found, hits, publish, titles
from shared.events.content import DocumentWithdrawn, WithdrawalKind
from shared.events.render import PagesViewed
from shared.events.samples import eventually, message

API = "/api/v1/search"


async def test_a_rebuild_swaps_in_a_new_index_and_search_answers_throughout(api, app, feeder, province, tokens) -> None:
    for n in range(12):
        await publish(feeder, province, HEFEI if n % 2 else MAS, f"第{n}号政务公开工作通知", ["推进政务公开工作。"])
    await found(api, "政务公开", "第11号政务公开工作通知")
    await found(api, "政务公开", "第10号政务公开工作通知", site_id="mas")
    operator = tokens.bearer("operator", ("*", "platform_operator"))
    editor = tokens.bearer("editor@hefei", ("hefei", "editor"))
    assert (await api.post(f"{API}/reindex", json={}, headers=editor)).status_code == 403
    started = await api.post(f"{API}/reindex", json={}, headers=operator)
    assert started.status_code == 202 and started.json()["total"] == 12
    answers = []
    while (await api.get(f"{API}/reindex", headers=operator)).json()["state"] == "running":
        answers.append((await hits(api, "政务公开"))["total"])
        await asyncio.sleep(0.01)
    status = (await api.get(f"{API}/reindex", headers=operator)).json()
    assert status["state"] == "done" and status["indexed"] == 12, status
    assert all(total == 6 for total in answers)  # never an empty or half-built index
    assert (await hits(api, "政务公开"))["total"] == 6
    assert (await hits(api, "政务公开", scope="group"))["total"] == 12
    one = await api.post(f"{API}/reindex", json={"site": "hefei"}, headers=operator)
    assert one.status_code == 202
    await SearchRuntime.of(app).rebuilder.wait()
    assert (await hits(api, "政务公开"))["total"] == 6
    assert (await api.post(f"{API}/reindex", json={"site": "nowhere"}, headers=operator)).status_code == 404


async def test_a_site_may_keep_withdrawn_documents_findable_and_flagged(api, feeder, province, tokens) -> None:
    doc = await publish(feeder, province, HEFEI, "关于暂停办理户口迁移业务的通知", ["户口迁移业务暂停办理。"])
    await found(api, "户口迁移", doc.title)
    await feeder.send(
        feeder.event(DocumentWithdrawn, doc, kind=WithdrawalKind.WITHDRAW, reason="过时", redirect_url=None)
    )

    async def gone() -> bool:
        return await titles(api, "户口迁移") == []

    await eventually(gone)
    admin = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    editor = tokens.bearer("editor@hefei", ("hefei", "editor"))
    assert (
        await api.put(f"{API}/sites/hefei/settings", json={"keep_withdrawn": True}, headers=editor)
    ).status_code == 403
    kept = await api.put(f"{API}/sites/hefei/settings", json={"keep_withdrawn": True}, headers=admin)
    assert kept.status_code == 200 and kept.json() == {"keep_withdrawn": True}
    await found(api, "户口迁移", doc.title)
    (result,) = (await hits(api, "户口迁移"))["results"]
    assert result["withdrawn"] is True
    assert (
        await api.put(f"{API}/sites/hefei/settings", json={"keep_withdrawn": "maybe"}, headers=admin)
    ).status_code == 422


async def test_the_pages_people_read_rank_higher(api, app, feeder, province) -> None:
    read = await publish(feeder, province, HEFEI, "关于开展政务公开工作考核的通知", ["政务公开考核。"])
    await publish(feeder, province, HEFEI, "关于做好政务公开工作考核的通知", ["政务公开考核。"])
    await found(api, "政务公开考核", read.title)
    await found(api, "政务公开考核", "关于做好政务公开工作考核的通知")
    first = (await hits(api, "政务公开考核"))["results"][0]["title"]
    assert first != read.title  # same text, and the other is newer
    views = PagesViewed(
        site_id="hefei",
        aggregate_id="hefei",
        aggregate_version=1,
        views={read.id: 5000},
        period_start=feeder.clock,
        period_end=feeder.clock,
    )
    delivery = message(views)
    await feeder.bus.publish_batch([delivery])

    async def read_first() -> bool:
        return (await hits(api, "政务公开考核"))["results"][0]["title"] == read.title

    await eventually(read_first)
    await feeder.bus.publish_batch([delivery])  # the same message again: a redelivery counts once
    await SearchRuntime.of(app).indexer.drain()
    async with SearchRuntime.of(app).deps.platform_uow() as uow:
        (entry,) = await uow.repo.entries_for_update([f"document:{read.id}"])
        assert entry.views == 5000
