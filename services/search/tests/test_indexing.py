"""The indexer under a stream: a drain commits the engine once per ~1,000 entries, not once per batch, and an
entry is marked indexed only once its document is committed."""

from __future__ import annotations

import asyncio

import pytest

from services.search.main import SearchRuntime
from services.search.service import indexer as indexing
from services.search.service.attachments import AttachmentReader
from services.search.tests.support import HEFEI, hits, publish, titles
from shared.events.content import AttachmentSnapshot
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


GUIDE = "办理住房公积金提取业务时，请携带本人身份证原件和不动产权证书。"


class SlowFiles:
    """An attachment source that answers only when told: a big PDF being read."""

    def __init__(self) -> None:
        self.reading, self.release = asyncio.Event(), asyncio.Event()

    async def __call__(self, attachment: dict, host: str) -> bytes:
        self.reading.set()
        await self.release.wait()
        return GUIDE.encode()

    async def close(self) -> None:
        return None


async def test_the_consumer_writes_while_a_drain_reads_an_attachment(api, app, feeder, province) -> None:
    runtime = SearchRuntime.of(app)
    await runtime.indexer.stop()  # the test drains by hand
    files = SlowFiles()
    runtime.indexer.attachments = AttachmentReader(files, max_bytes=10_000, max_chars=1_000)
    guide = AttachmentSnapshot(id=1, public_id="AbCdEfGhIjKlMnOp", filename="公积金提取办事指南.txt",
                               content_type="text/plain", size=len(GUIDE.encode()), blob_key="sites/hefei/files/1",
                               renditions={})  # fmt: skip
    await publish(feeder, province, HEFEI, "住房公积金提取办事指南", ["住房公积金提取须知。"], attachments=[guide])

    async def pending(n: int) -> bool:
        async with runtime.deps.platform_uow() as uow:
            return await uow.repo.count_pending() == n

    await eventually(lambda: pending(1))
    drain = asyncio.create_task(runtime.indexer.drain())
    await asyncio.wait_for(files.reading.wait(), 5)
    # The drain holds no transaction while the file is read: the next event is taken meanwhile (the in-process
    # bus waited for it, and with it every service's events, while a worker read files one by one).
    await publish(feeder, province, HEFEI, "关于做好元旦春节期间安全生产工作的通知", ["做好安全生产工作。"])
    await eventually(lambda: pending(2), timeout=5)
    files.release.set()
    assert await drain >= 1
    assert await titles(api, "身份证原件") == ["住房公积金提取办事指南"]
    async with runtime.deps.platform_uow() as uow:
        assert await uow.repo.attachment_texts(["sites/hefei/files/1"]) == {"sites/hefei/files/1": GUIDE}
