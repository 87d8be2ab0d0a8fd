"""The indexer under a stream: a drain commits the engine once per ~1,000 entries, not once per batch, and an
entry is marked indexed only once its document is committed."""

from __future__ import annotations

import pytest

from services.search.main import SearchRuntime
from services.search.service import indexer as indexing
from services.search.tests.support import HEFEI, hits, publish
from shared.events.samples import eventually


async def test_a_drain_commits_by_the_thousand_and_marks_only_what_it_committed(
    api, app, feeder, province, monkeypatch
) -> None:
    runtime = SearchRuntime.of(app)
    await runtime.indexer.stop()  # the test drains by hand
    for n in range(7):
        await publish(feeder, province, HEFEI, f"第{n}号安全生产工作通知", ["做好元旦春节期间安全生产工作。"])

    async def pending() -> int:
        async with runtime.deps.platform_uow() as uow:
            return await uow.repo.count_pending()

    async def all_seven() -> bool:
        return await pending() == 7

    await eventually(all_seven)
    monkeypatch.setattr(runtime.deps.settings, "index_batch", 2)
    monkeypatch.setattr(indexing, "COMMIT_ENTRIES", 4)
    real_write, writes = runtime.deps.engine.write, []

    async def write(docs, removed, *, commit: bool = True) -> None:  # noqa: ANN001
        writes.append((len(docs), commit))
        if len(writes) == 3:
            raise OSError("索引写入失败")
        await real_write(docs, removed, commit=commit)

    monkeypatch.setattr(runtime.deps.engine, "write", write)
    with pytest.raises(OSError, match="索引写入失败"):
        await runtime.indexer.drain()
    assert writes == [(2, False), (2, True), (2, False)]  # the first four committed together
    assert await pending() == 3  # the batch that failed, and the one after it, wait for the next drain
    assert (await hits(api, "安全生产"))["total"] == 4
    writes.clear()
    assert await runtime.indexer.drain() == 3
    assert writes == [(2, False), (1, True)] and await pending() == 0
    assert (await hits(api, "安全生产"))["total"] == 7  # none twice: the failed batch's key written again replaces
