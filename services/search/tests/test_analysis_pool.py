"""Analysis in a worker process (what a service does by default on a machine with a core to spare): documents
are found by their words and pinyin as when analysed in-process, and a lost worker is replaced."""

from __future__ import annotations

import os
import signal

import pytest_asyncio

from services.search.main import SearchRuntime
from services.search.service.indexer import mark_all_pending
from services.search.tests.support import HEFEI, found, publish, titles
from shared.events.samples import eventually


@pytest_asyncio.fixture
async def settings(settings):
    yield settings.model_copy(update={"analysis_workers": 1})


def worker_pids(app) -> list[int]:
    return SearchRuntime.of(app).deps.analysis.pids()


async def indexed_again(app) -> None:
    """Every entry to the indexer at once, as a rebuild or a replay does: batches of several go to the worker
    (a single document is analysed in-process, so how events arrive does not decide it)."""
    deps = SearchRuntime.of(app).deps
    await mark_all_pending(deps)

    async def nothing_pending() -> bool:
        async with deps.platform_uow() as uow:
            return await uow.repo.count_pending() == 0

    await eventually(nothing_pending, timeout=30)  # a replaced worker loads the analyzer afresh (slow under load)


async def test_documents_analysed_in_a_worker_are_found_by_words_and_pinyin(app, api, feeder, province) -> None:
    assert worker_pids(app)  # started with the service, its dictionary loaded before the first document comes
    first = "关于提高城乡居民医保报销比例的通知"
    await publish(feeder, province, HEFEI, first, ["城乡居民医保住院报销比例提高到百分之七十。"])
    await publish(feeder, province, HEFEI, "住房公积金提取办法", ["职工租房可以提取住房公积金，按月办理。"])
    await found(api, "医保", first)
    await indexed_again(app)
    assert worker_pids(app) and os.getpid() not in worker_pids(app)
    await found(api, "公积金 提取", "住房公积金提取办法")
    assert await titles(api, "yibao") == [first]
    assert await titles(api, "gongjijin") == ["住房公积金提取办法"]


async def test_a_lost_worker_is_replaced_and_nothing_is_left_unindexed(app, api, feeder, province) -> None:
    await publish(feeder, province, HEFEI, "政府信息公开工作年度报告", ["本机关政府信息公开工作情况如下。"])
    await publish(feeder, province, HEFEI, "优化营商环境工作要点", ["持续优化营商环境，推进一网通办。"])
    await found(api, "年度报告", "政府信息公开工作年度报告")
    await indexed_again(app)
    lost = worker_pids(app)
    assert lost
    for pid in lost:
        os.kill(pid, signal.SIGKILL)
    await publish(feeder, province, HEFEI, "城乡居民医保参保缴费通知", ["城乡居民医保集中参保缴费期为每年秋季。"])
    await indexed_again(app)  # the first try meets the dead worker; the indexer tries again with a new one
    assert worker_pids(app) and not set(worker_pids(app)) & set(lost)
    await found(api, "参保 缴费", "城乡居民医保参保缴费通知")
    await found(api, "营商环境", "优化营商环境工作要点")


def test_workers_by_default_only_where_the_process_has_a_core_to_spare(monkeypatch) -> None:
    """A process pinned to one core (taskset, a container's cpuset) analyses in-process: a worker on the same core
    would only add the copying of every batch to and from it."""
    from services.search.config import SearchSettings

    monkeypatch.delenv("SEARCH_ANALYSIS_WORKERS")  # the test run's own choice (conftest.py): none
    for cores, workers in (({0}, 0), ({0, 1}, 1), (set(range(8)), 2)):
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, cores=cores: cores)
        assert SearchSettings().analysis_workers == workers, cores
