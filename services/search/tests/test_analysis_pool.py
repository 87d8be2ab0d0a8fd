"""Analysis in a worker process (what a service does by default on a machine with a core to spare): documents
are found by their words and pinyin as when analysed in-process, and a lost worker is replaced."""

from __future__ import annotations

import os
import signal

import pytest_asyncio

from services.search.main import SearchRuntime
from services.search.tests.support import HEFEI, TZGG, body, found, titles
from shared.events.content import DocumentPublished
from shared.events.samples import Feeder


@pytest_asyncio.fixture
async def settings(settings):
    yield settings.model_copy(update={"analysis_workers": 1})


async def publish_together(feeder: Feeder, province, *docs: tuple[str, str]) -> None:
    """Several documents in one go (a bulk import, a replay): the indexer takes them as one batch, which
    goes to the worker (a single document is analysed in-process: no round trip for the freshest news)."""
    channel = (province[HEFEI.id][TZGG], TZGG)
    made = [feeder.document(HEFEI, channel, title, body_html=body(text)) for title, text in docs]
    await feeder.send(*(feeder.event(DocumentPublished, doc) for doc in made))


def worker_pids(app) -> list[int]:
    return SearchRuntime.of(app).deps.analysis.pids()


async def test_documents_analysed_in_a_worker_are_found_by_words_and_pinyin(app, api, feeder, province) -> None:
    first = "关于提高城乡居民医保报销比例的通知"
    await publish_together(
        feeder,
        province,
        (first, "城乡居民医保住院报销比例提高到百分之七十。"),
        ("住房公积金提取办法", "职工租房可以提取住房公积金，按月办理。"),
    )
    await found(api, "医保", first)
    await found(api, "公积金 提取", "住房公积金提取办法")
    assert await titles(api, "yibao") == [first]
    assert await titles(api, "gongjijin") == ["住房公积金提取办法"]
    assert worker_pids(app) and os.getpid() not in worker_pids(app)


async def test_a_lost_worker_is_replaced_and_the_document_still_indexed(app, api, feeder, province) -> None:
    await publish_together(
        feeder,
        province,
        ("政府信息公开工作年度报告", "本机关政府信息公开工作情况如下。"),
        ("优化营商环境工作要点", "持续优化营商环境，推进一网通办。"),
    )
    await found(api, "年度报告", "政府信息公开工作年度报告")
    lost = worker_pids(app)
    assert lost
    for pid in lost:
        os.kill(pid, signal.SIGKILL)
    await publish_together(
        feeder,
        province,
        ("城乡居民医保参保缴费通知", "城乡居民医保集中参保缴费期为每年秋季。"),
        ("住房公积金缴存基数调整", "住房公积金缴存基数每年调整一次。"),
    )
    await found(api, "参保 缴费", "城乡居民医保参保缴费通知")
    await found(api, "缴存基数", "住房公积金缴存基数调整")
    assert worker_pids(app) and not set(worker_pids(app)) & set(lost)
