"""Migration jobs on the selected backends: a legacy site crawled into staged documents and a URL map that
follows the content library's answers, re-runs that stage nothing unchanged, refusals reported with their
reason, and each site's jobs and URL map its own."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from services.transition.main import TransitionRuntime
from services.transition.models import Job
from services.transition.service import frontier as frontiers
from services.transition.service.frontier import JobFrontier
from services.transition.service.staging import Stager
from services.transition.tests.legacy_site import article_path, article_title
from services.transition.tests.support import API, job_in
from shared.events.samples import eventually
from shared.events.transition import DocumentImported, LegacyDocumentStaged, UrlMapChanged

pytestmark = pytest.mark.asyncio
LEGACY = "old.feixi.gov.cn"


def plan(server: str, **extra) -> dict:
    return {"source": f"http://{LEGACY}/", "resolve": {LEGACY: server}, "per_second": 500, **extra}


async def test_a_job_stages_each_article_once_and_its_url_map_follows_the_answers(
    api, tokens, channels, old_site, events, content
) -> None:
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    created = await api.post(f"{API}/sites/feixi/jobs", json=plan(old_site[0]), headers=admin)
    assert created.status_code == 201, created.text
    job = await job_in(api, admin, "feixi", created.json()["id"], "done", "failed")
    assert job["state"] == "done" and job["progress"]["imported"] == 60, job
    assert job["mapping"] == {"通知公告": channels["zwdt/tzgg"]}  # matched by its name, kept in the plan
    staged = events.distinct(LegacyDocumentStaged.type)
    assert len(staged) == len({e.data["document"]["legacy_key"] for e in staged}) == 60
    first = next(e.data["document"] for e in staged if e.data["document"]["legacy_url"].endswith(article_path(0)))
    assert first["title"] == article_title(0) and first["published_at"].startswith("2024-01-01T09:30:00+08:00")
    assert first["channel_id"] == channels["zwdt/tzgg"] and first["source"] == "肥西县应急管理局"
    assert [f["filename"] for f in first["files"]] == ["0.pdf"] and first["files"][0]["blob_key"].startswith(
        "sites/feixi/"
    )
    assert f'href="{first["files"][0]["legacy_url"]}"' in first["body_html"]  # the content library points it home
    assert "/_legacy/old.feixi.gov.cn/xwzx/tzgg/index.html" in first["body_html"]  # a page link, resolved by the map

    mapped = (
        await api.get(f"{API}/sites/feixi/urlmap", params={"state": "imported", "limit": 1000}, headers=admin)
    ).json()
    assert mapped["total"] == 60 + 6  # the articles and their PDFs
    redirects = {r["legacy_key"]: r["target"] for e in events.distinct(UrlMapChanged.type) for r in e.data["redirects"]}
    assert redirects[f"//{LEGACY}/xwzx/tzgg/index.html"] == "/zwdt/tzgg/"
    assert redirects[f"//{LEGACY}/xwzx/tzgg/"] == redirects[f"//{LEGACY}/xwzx/tzgg"] == "/zwdt/tzgg/"  # its spellings
    assert redirects[f"//{LEGACY}/old/tzgg.html"] == "/zwdt/tzgg/"  # the legacy site's own redirect, made direct
    assert redirects[f"//{LEGACY}{article_path(0)}"].startswith("/zwdt/tzgg/202401/t20240101_")

    again = await api.post(f"{API}/sites/feixi/jobs/{job['id']}/start", headers=admin)
    assert again.status_code == 200
    rerun = await job_in(api, admin, "feixi", job["id"], "done", "failed")
    assert rerun["run"] == 2 and rerun["state"] == "done"
    assert content.staged == 60  # unchanged pages (304, or the same fingerprint) are not staged again


async def test_answers_handled_together_mark_only_the_jobs_own_urls(api, tokens, channels, old_site, content) -> None:
    """The content library's answers come by the hundred and are kept together: an answer for a key no job
    staged changes nothing, a document answered again moves its redirect, a file two pages link is kept once."""
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    created = await api.post(f"{API}/sites/feixi/jobs", json=plan(old_site[0]), headers=admin)
    job = await job_in(api, admin, "feixi", created.json()["id"], "done", "failed")
    common = {"site_id": "feixi", "aggregate_version": 1, "job_id": job["id"], "changed": True}
    pdf = f"http://{LEGACY}/files/共享附件.pdf"
    answers = [
        DocumentImported(**common, aggregate_id=key, legacy_key=key, document_id=900 + n, title=f"第{n}号通知",
                         url_path=f"/zwdt/tzgg/202612/t20261207_{900 + n}.html", published_at=None,
                         files={pdf: "/files/shared/共享附件.pdf"})
        for n, key in enumerate([f"//{LEGACY}{article_path(0)}", f"//{LEGACY}{article_path(1)}",
                                 f"//{LEGACY}/never-staged.html"])
    ]  # fmt: skip
    await content.feeder.send(*answers)

    async def moved() -> bool:
        page = await api.get(f"{API}/sites/feixi/urlmap", params={"state": "imported", "limit": 1000}, headers=admin)
        targets = {u["legacy_key"]: u["target"] for u in page.json()["items"]}
        return (
            targets.get(f"//{LEGACY}{article_path(0)}") == "/zwdt/tzgg/202612/t20261207_900.html"
            and targets.get(f"//{LEGACY}{article_path(1)}") == "/zwdt/tzgg/202612/t20261207_901.html"
        )

    await eventually(moved)
    page = (await api.get(f"{API}/sites/feixi/urlmap", params={"limit": 1000}, headers=admin)).json()
    keys = [u["legacy_key"] for u in page["items"]]
    assert f"//{LEGACY}/never-staged.html" not in keys
    assert keys.count(f"//{LEGACY}/files/共享附件.pdf") == 1


async def test_a_crash_between_batches_loses_no_page(
    api, tokens, channels, old_site, content, settings, monkeypatch
) -> None:
    """A batch that fails to commit leaves its pages unread in the frontier: the job resumed reads them again."""
    monkeypatch.setattr(settings, "stage_batch", 10)
    real_flush, flushes = Stager.flush, []

    async def breaks_once(self: Stager) -> None:
        flushes.append(1)
        if len(flushes) == 3:
            self.batch = type(self.batch)()  # the transaction fails: the batch and the pages it finished are lost
            self.frontier and self.frontier.release()
            raise ConnectionError("数据库连接中断")
        await real_flush(self)

    monkeypatch.setattr(Stager, "flush", breaks_once)
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    created = await api.post(f"{API}/sites/feixi/jobs", json=plan(old_site[0]), headers=admin)
    failed = await job_in(api, admin, "feixi", created.json()["id"], "failed", "done")
    assert failed["state"] == "failed" and "数据库连接中断" in failed["error"], failed
    monkeypatch.setattr(Stager, "flush", real_flush)
    assert (await api.post(f"{API}/sites/feixi/jobs/{failed['id']}/start", headers=admin)).status_code == 200
    job = await job_in(api, admin, "feixi", failed["id"], "done", "failed")
    assert job["state"] == "done" and job["progress"]["imported"] == 60, job


async def test_the_crawl_waits_while_the_import_is_behind(
    api, tokens, channels, old_site, content, settings, monkeypatch
) -> None:
    """More than `import_backlog` staged documents unanswered: the crawl pauses until the import catches up."""
    monkeypatch.setattr(settings, "stage_batch", 5)
    monkeypatch.setattr(settings, "import_backlog", 10)
    content.answering = asyncio.Event()
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    created = await api.post(f"{API}/sites/feixi/jobs", json=plan(old_site[0]), headers=admin)
    job_url = f"{API}/sites/feixi/jobs/{created.json()['id']}"

    async def progress() -> dict:
        return (await api.get(job_url, headers=admin)).json()["progress"]

    async def backlog_full() -> bool:
        return (await progress())["staged"] > 10

    try:
        await eventually(backlog_full)
        await asyncio.sleep(2.5)  # the crawl, unchecked, reads the 70 pages in well under a second
        paused = await progress()
    finally:
        content.answering.set()  # held answers would hold the bus's shutdown too
    assert paused["staged"] <= 10 + 5 + 4 and paused["pages"] < 40, paused  # a batch more, and the pages in flight
    job = await job_in(api, admin, "feixi", created.json()["id"], "done", "failed")
    assert job["state"] == "done" and job["progress"]["imported"] == 60, job


async def test_the_last_batch_is_staged_without_waiting_for_the_import(
    api, tokens, channels, old_site, content, settings, monkeypatch
) -> None:
    """The crawl has ended: its last batch goes in at once, however far behind the import is."""
    monkeypatch.setattr(settings, "stage_batch", 1000)  # every page staged by the final flush
    monkeypatch.setattr(settings, "import_backlog", 10)
    content.answering = asyncio.Event()
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    created = await api.post(f"{API}/sites/feixi/jobs", json=plan(old_site[0]), headers=admin)
    try:
        importing = await job_in(api, admin, "feixi", created.json()["id"], "importing", "failed", timeout=20)
    finally:
        content.answering.set()
    assert importing["state"] == "importing" and importing["progress"]["staged"] == 60, importing
    job = await job_in(api, admin, "feixi", created.json()["id"], "done", "failed")
    assert job["progress"]["imported"] == 60, job


async def test_a_take_that_fails_leaves_the_links_it_was_writing_to_the_next(app, api, monkeypatch) -> None:
    """A take's transaction fails (a crash, a cancel) while a batch marks done the page whose links it held: the
    batch writes them too, so the resumed crawl still reads the article only that page linked."""
    deps = TransitionRuntime.of(app).deps
    async with deps.site_uow("feixi") as uow:
        job = Job(site_id="feixi", source=f"http://{LEGACY}/", legacy_domains=[LEGACY], created_by="admin@feixi")
        uow.session.add(job)
        await uow.commit()
    home, article = f"http://{LEGACY}/", f"http://{LEGACY}{article_path(0)}"
    frontier = JobFrontier(deps, job.id)
    await frontier.open([home])
    assert await frontier.take(10) == [home]
    await frontier.add([article])  # the home page links the article, and is finished
    await frontier.finished(home, None, None)
    with monkeypatch.context() as broken:
        broken.setattr(frontiers, "_QUEUED", text("SELECT no_such_column FROM frontier"))
        with pytest.raises(DBAPIError):
            await frontier.take(10)
    released = frontier.release()
    async with deps.site_uow("feixi") as uow:  # the stager's batch: the home page's decision, and it done
        await frontier.write(uow, released)
        await uow.commit()
    frontier.kept(released)
    resumed = JobFrontier(deps, job.id)
    assert await resumed.open([home]) is True  # the article waits: the crawl resumes rather than begins again
    assert await resumed.take(10) == [article]


async def test_a_refused_document_is_reported_with_its_reason(api, tokens, channels, old_site, content) -> None:
    content.refuse.add(f"//{LEGACY}{article_path(7)}")
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    created = await api.post(f"{API}/sites/feixi/jobs", json=plan(old_site[0]), headers=admin)
    job = await job_in(api, admin, "feixi", created.json()["id"], "done", "failed")
    assert job["progress"]["refused"] == 1 and job["progress"]["imported"] == 59
    refused = (await api.get(f"{API}/sites/feixi/urlmap", params={"state": "refused"}, headers=admin)).json()
    assert [(r["legacy_url"].endswith(article_path(7)), r["reason"]) for r in refused["items"]] == [(True, "标题过长")]


async def test_each_sites_jobs_and_url_map_are_its_own(api, tokens, channels, old_site) -> None:
    feixi = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    hefei = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    created = await api.post(f"{API}/sites/feixi/jobs", json=plan(old_site[0], start=False), headers=feixi)
    job_id = created.json()["id"]
    assert (await api.get(f"{API}/sites/feixi/jobs/{job_id}", headers=hefei)).status_code == 403
    assert (await api.get(f"{API}/sites/hefei/jobs/{job_id}", headers=hefei)).status_code == 404
    assert (await api.post(f"{API}/sites/hefei/jobs/{job_id}/start", headers=hefei)).status_code == 404
    assert (await api.get(f"{API}/sites/hefei/jobs", headers=hefei)).json() == []
    decision = {"legacy_key": f"//{LEGACY}/zt/", "target": "/zwdt/"}
    assert (await api.put(f"{API}/sites/hefei/urlmap", json=decision, headers=hefei)).status_code == 422  # no job
    assert (await api.put(f"{API}/sites/feixi/urlmap", json=decision, headers=hefei)).status_code == 403
    assert (await api.get(f"{API}/sites/feixi/urlmap", headers=feixi)).json()["total"] == 0
    wrong = plan(old_site[0], mapping={"通知公告": channels["zwdt/tzgg"] - 1000}, start=False)  # another site's
    refused = await api.post(f"{API}/sites/feixi/jobs", json=wrong, headers=feixi)
    assert refused.status_code == 422 and "没有栏目" in refused.json()["error"]["message"]
