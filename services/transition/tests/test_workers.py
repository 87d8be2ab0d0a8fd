"""Legacy pages read in a worker process (what the runner does by default on a machine with a core to spare):
the job stages the same documents as when pages are read on the event loop."""

from __future__ import annotations

import os

import pytest_asyncio

from services.transition.tests.legacy_site import article_path, article_title
from services.transition.tests.support import API, job_in
from shared.events.transition import LegacyDocumentStaged

LEGACY = "old.feixi.gov.cn"


@pytest_asyncio.fixture
async def settings(settings):
    yield settings.model_copy(update={"extract_workers": 1})


async def test_pages_read_in_a_worker_are_staged_as_on_the_loop(app, api, tokens, channels, old_site, events) -> None:
    from services.transition.main import TransitionRuntime

    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    plan = {"source": f"http://{LEGACY}/", "resolve": {LEGACY: old_site[0]}, "per_second": 500}
    created = await api.post(f"{API}/sites/feixi/jobs", json=plan, headers=admin)
    job = await job_in(api, admin, "feixi", created.json()["id"], "done", "failed")
    assert job["state"] == "done" and job["progress"]["imported"] == 60, job
    workers = TransitionRuntime.of(app).deps.extraction.pids()
    assert workers and os.getpid() not in workers
    staged = {e.data["document"]["legacy_url"]: e.data["document"] for e in events.distinct(LegacyDocumentStaged.type)}
    first = next(d for url, d in staged.items() if url.endswith(article_path(0)))
    assert first["title"] == article_title(0) and first["source"] == "肥西县应急管理局"
    assert first["published_at"].startswith("2024-01-01T09:30:00+08:00")


def test_a_worker_by_default_only_where_the_process_has_a_core_to_spare(monkeypatch) -> None:
    from services.transition.config import TransitionSettings

    monkeypatch.delenv("TRANSITION_EXTRACT_WORKERS")  # the test run's own choice (conftest.py): none
    for cores, workers in (({0}, 0), ({0, 1}, 1), (set(range(8)), 1)):
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, cores=cores: cores)
        assert TransitionSettings().extract_workers == workers, cores
