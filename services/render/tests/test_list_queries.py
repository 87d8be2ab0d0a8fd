"""A channel's list: read by the exact channel in the index's order when nothing lies below it (a few rows however
long the channel), by its path's prefix when its subchannels hold entries; the same pages and totals either way."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import sqlite

from services.render.list_queries import Filters, _page_statement
from services.render.main import RenderRuntime
from services.render.tests.support import eventually, site, site_ready

HEFEI = site("hefei", "合肥市人民政府", "3401000001")


async def _published(app, pages, feeder) -> dict[str, list[str]]:  # noqa: ANN001
    """12 notices in 通知公告, 3 in 要闻动态 (both under 政务动态), 2 in 政务动态 itself, 1 in 政策解读."""
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    titles: dict[str, list[str]] = {}
    for path, count in (("zwdt/tzgg", 12), ("zwdt/yw", 3), ("zwdt", 2), ("zcjd", 1)):
        for n in range(count):
            doc = feeder.document(HEFEI, (channels[path], path), f"{path}栏目第{n + 1}号政府信息公开通知")
            await feeder.publish(doc)
            titles.setdefault(path, []).append(doc.title)

    async def all_listed() -> bool:
        async with RenderRuntime.of(app).deps.site_uow("hefei") as uow:
            return await uow.repo.listed_total("zwdt") == 17 and await uow.repo.listed_total("zcjd") == 1

    await eventually(all_listed)
    return titles


async def test_a_channels_pages_and_totals_with_and_without_entries_below(app, pages, feeder) -> None:
    titles = await _published(app, pages, feeder)
    async with RenderRuntime.of(app).deps.site_uow("hefei") as uow:
        repo = uow.repo
        first, total = await repo.listed("zwdt/tzgg", 0, 5)  # nothing below 通知公告: the exact channel
        assert [r.title for r in first] == titles["zwdt/tzgg"][::-1][:5] and total == 12
        last, total = await repo.listed("zwdt/tzgg", 10, 5)
        assert [r.title for r in last] == titles["zwdt/tzgg"][1::-1] and total == 12
        assert await repo.listed("zwdt/tzgg", 15, 5) == ([], 12)  # past the end: still how many there are
        everything, total = await repo.listed("zwdt", 0, 100)  # 政务动态 holds its subchannels' entries
        assert total == 17 and len(everything) == 17
        assert {r.title for r in everything} == {t for p in ("zwdt/tzgg", "zwdt/yw", "zwdt") for t in titles[p]}
        published = [r.published_at for r in everything]
        assert published == sorted(published, reverse=True)
        page, total = await repo.listed("zwdt", 5, 5)
        assert [r.title for r in page] == [r.title for r in everything[5:10]] and total == 17
        found, total = await repo.listed("zwdt/yw", 0, 10, Filters(q="第2号"))
        assert [r.title for r in found] == [titles["zwdt/yw"][1]] and total == 1
        assert await repo.listed_total("zwdt/tzgg") == 12 and await repo.listed_total("gk") == 0


@pytest.mark.embedded_only
async def test_the_exact_channels_page_is_read_in_the_index_order(app, pages, feeder) -> None:
    """No sort of the channel's entries: the page is the index's next rows (SQLite's plan says so)."""
    await _published(app, pages, feeder)
    compiled = _page_statement(Filters().shape, False, True).compile(
        dialect=sqlite.dialect(paramstyle="named"), compile_kwargs={"render_postcompile": True}
    )
    values = {"path": "zwdt/tzgg", "offset": 0, "limit": 20} | {k: "hefei" for k in compiled.params if "site" in k}
    async with RenderRuntime.of(app).deps.site_uow("hefei") as uow:
        plan = " ".join(
            str(row[-1]) for row in await uow.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"), values)
        )
    assert "ix_page_entries_channel_listed_time" in plan and "TEMP B-TREE" not in plan, plan
