"""Document events handled together (one transaction for a run of them) leave the pages one by one would."""

from __future__ import annotations

from services.render.tests.support import eventually, message, site, site_ready
from shared.events.content import DocumentPublished, DocumentUpdated, DocumentWithdrawn

HEFEI = site("hefei", "合肥市人民政府", "3401000001", domains=("hefei.gov.cn",))
FEIXI = site("feixi", "肥西县人民政府", "3401230001")


async def test_a_batch_with_several_events_of_one_document(pages, feeder) -> None:
    hefei = await feeder.open_site(HEFEI)
    feixi = await feeder.open_site(FEIXI)
    await site_ready(pages, HEFEI.main_domain)
    await site_ready(pages, FEIXI.main_domain)
    moved = feeder.document(HEFEI, (hefei["zwdt/tzgg"], "zwdt/tzgg"), "关于网站改版的通知")
    kept = feeder.document(HEFEI, (hefei["zwdt/yw"], "zwdt/yw"), "合肥市召开政府网站工作推进会")
    published = feeder.event(DocumentPublished, moved)
    old_place = published.placements[0]
    new_path = moved.url_path.replace("/zwdt/tzgg/", "/zwdt/yw/")
    new_place = old_place.model_copy(update={"channel_id": hefei["zwdt/yw"], "channel_path": "zwdt/yw"})
    repost = old_place.model_copy(
        update={
            "site_id": "feixi",
            "site_main_domain": FEIXI.main_domain,
            "kind": "repost",
            "channel_id": feixi["zwdt/tzgg"],
        }
    )
    renamed = moved.model_copy(update={"url_path": new_path, "title": "关于网站改版的通知（修订）"})
    events = [
        published,
        feeder.event(DocumentPublished, kept),
        feeder.event(
            DocumentUpdated,
            renamed,
            change="placements",
            placements=[new_place.model_copy(update={"url_path": new_path}), repost],
            removed_placements=[old_place],
        ),
        feeder.event(DocumentWithdrawn, kept, kind="withdraw", reason="内容有误", redirect_url=None),
    ]
    stale = feeder.event(DocumentPublished, kept).model_copy(update={"aggregate_version": 1})
    await feeder.bus.publish_batch([*map(message, events), message(stale)])

    async def settled() -> bool:
        return "内容有误" in (await pages.get(kept.url_path)).text

    await eventually(settled)
    assert (await pages.get(moved.url_path)).status_code == 404
    assert "关于网站改版的通知（修订）" in (await pages.get(new_path)).text
    assert (await pages.get(old_place.url_path, headers={"host": FEIXI.main_domain})).status_code == 200
    listing = (await pages.get("/zwdt/yw/")).text
    assert "（修订）" in listing and kept.title not in listing
    assert "关于网站改版的通知" not in (await pages.get("/zwdt/tzgg/")).text
