"""Jobs the operator's machine pushes (a mirror's files and pages, an export's records) on the selected backends:
never crawled, staged as a crawl stages, re-pushed without staging anything twice, refused whole with the problem
named when one page is bad, closed to pushes once cancelled, and each site's jobs its own."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest

from services.transition.main import TransitionRuntime
from services.transition.tests.legacy_site import article_path, article_title, legacy_site
from services.transition.tests.support import API, job_in
from shared.events.samples import eventually
from shared.events.transition import LegacyDocumentStaged, UrlMapChanged

pytestmark = pytest.mark.asyncio
LEGACY = "old.feixi.gov.cn"
JOBS = f"{API}/sites/feixi/jobs"
ARTICLES = 12  # two have a PDF (0 and 10)
PATHS = ["/", "/xwzx/tzgg/index.html", "/old/tzgg.html", "/xwzx/tzgg/2019/t_404.html"]
PATHS += [article_path(n) for n in range(ARTICLES)]


async def mirror(paths: list[str]) -> list[dict]:
    """The legacy county site's answers, as a `wget -m` mirror keeps them and the CLI pushes them."""
    app, _ = legacy_site(ARTICLES)
    pages = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=f"http://{LEGACY}") as old:
        for path in paths:
            got = await old.get(path)
            pages.append(
                {"url": f"http://{LEGACY}{path}", "status": got.status_code, "location": got.headers.get("location"),
                 "content_type": got.headers.get("content-type"), "body_base64": base64.b64encode(got.content).decode()}
            )  # fmt: skip
    return pages


async def upload_job(api: httpx.AsyncClient, headers: dict, **extra) -> dict:
    body = {"source": "upload:feixi-mirror", "legacy_domains": [LEGACY], **extra}
    created = await api.post(JOBS, json=body, headers=headers)
    assert created.status_code == 201, created.text
    return created.json()


async def push_file(api: httpx.AsyncClient, headers: dict, job_id: int, path: str) -> httpx.Response:
    data = b"%PDF-1.4 " + path.encode() + b" %%EOF"
    headers = {**headers, "content-type": "application/pdf"}
    return await api.put(
        f"{JOBS}/{job_id}/files", params={"url": f"http://{LEGACY}{path}"}, content=data, headers=headers
    )


async def test_a_pushed_mirror_is_staged_as_a_crawl_is_and_a_second_push_stages_nothing(
    app, api, tokens, channels, events, content
) -> None:
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    job = await upload_job(api, admin)
    await asyncio.sleep(0.3)  # the runner looks for work every 0.05 s: it leaves a pushed job to its client
    waiting = (await api.get(f"{JOBS}/{job['id']}", headers=admin)).json()
    assert waiting["state"] == "running" and waiting["progress"]["pages"] == 0

    for path in ("/u/0.pdf", "/u/10.pdf"):
        stored = await push_file(api, admin, job["id"], path)
        assert stored.status_code == 200, stored.text
        assert stored.json()["blob_key"].startswith("sites/feixi/migrated/") and stored.json()["filename"]
    pages = await mirror(PATHS)
    pushed = await api.post(f"{JOBS}/{job['id']}/pages", json={"pages": pages}, headers=admin)
    assert pushed.status_code == 200, pushed.text
    assert pushed.json()["accepted"] == len(PATHS) and pushed.json()["job"]["progress"]["pages"] == len(PATHS)
    finished = await api.post(f"{JOBS}/{job['id']}/finish", headers=admin)
    assert finished.status_code == 200 and finished.json()["job"]["state"] in ("importing", "done")
    done = await job_in(api, admin, "feixi", job["id"], "done", "failed")
    assert done["progress"]["imported"] == ARTICLES and done["progress"]["files"] == 2, done
    assert done["progress"]["gone"] == 1 and done["mapping"] == {"通知公告": channels["zwdt/tzgg"]}

    await eventually(lambda: _heard(events, ARTICLES))  # the collector is a consumer of its own (Kafka: in its time)
    staged = {e.data["document"]["legacy_url"]: e.data["document"] for e in events.distinct(LegacyDocumentStaged.type)}
    first = staged[f"http://{LEGACY}{article_path(0)}"]
    assert first["title"] == article_title(0) and first["published_at"].startswith("2024-01-01T09:30:00+08:00")
    assert [f["filename"] for f in first["files"]] == ["0.pdf"] and first["files"][0]["size"] == 23
    blob = await TransitionRuntime.of(app).blobs.get(first["files"][0]["blob_key"])
    assert blob == b"%PDF-1.4 /u/0.pdf %%EOF"
    assert staged[f"http://{LEGACY}{article_path(1)}"]["files"] == []

    def decided() -> dict[str, str | None]:
        return {r["legacy_key"]: r["target"] for e in events.distinct(UrlMapChanged.type) for r in e.data["redirects"]}

    async def files_answered() -> bool:  # the last answers' redirects follow the job's state through the relay
        return {f"//{LEGACY}/u/0.pdf", f"//{LEGACY}/u/10.pdf"} <= decided().keys()

    await eventually(files_answered)
    redirects = decided()
    assert redirects[f"//{LEGACY}/xwzx/tzgg/index.html"] == "/zwdt/tzgg/" and redirects[f"//{LEGACY}/"] == "/"
    assert redirects[f"//{LEGACY}/old/tzgg.html"] == "/zwdt/tzgg/"  # the legacy site's redirect, in one hop
    number = content.documents[f"//{LEGACY}{article_path(0)}"]  # the stand-in numbers them as they arrive
    assert redirects[f"//{LEGACY}/u/0.pdf"] == f"/files/p{number}/0.pdf"

    again = await api.post(f"{JOBS}/{job['id']}/start", headers=admin)
    assert again.status_code == 200 and again.json()["state"] == "running" and again.json()["run"] == 2
    assert (await push_file(api, admin, job["id"], "/u/0.pdf")).status_code == 200
    assert (await api.post(f"{JOBS}/{job['id']}/pages", json={"pages": pages}, headers=admin)).status_code == 200
    assert (await api.post(f"{JOBS}/{job['id']}/finish", headers=admin)).json()["job"]["state"] == "done"
    assert content.staged == ARTICLES  # the same fingerprints: nothing staged again
    log = [e["action"] for e in (await api.get(f"{JOBS}/{job['id']}/log", headers=admin)).json()]
    assert log[0] == "job.created" and log.count("job.done") >= 2


async def test_an_exports_records_are_staged_as_documents_with_their_pushed_files(
    api, tokens, channels, events, content
) -> None:
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    host = "wlj.feixi.gov.cn"
    job = await upload_job(api, admin, source="upload:wordpress.xml", legacy_domains=[host],
                           mapping={"通知公告": channels["zwdt/tzgg"]})  # fmt: skip
    pdf = f"https://{host}/wp-content/uploads/2026/03/%E5%85%AC%E5%91%8A.pdf"  # 公告.pdf, as a client quotes it
    headers = {**admin, "content-type": "application/pdf"}
    stored = await api.put(f"{JOBS}/{job['id']}/files", params={"url": pdf}, content=b"%PDF-1.4 ", headers=headers)
    assert stored.status_code == 200 and stored.json()["filename"] == "公告.pdf"
    body = '<p>三河古镇景区将于3月5日起恢复夜游，详见<a href="/wp-content/uploads/2026/03/公告.pdf">公告</a>。</p>'
    records = [
        {"url": f"https://{host}/?p=11", "title": "关于三河古镇景区恢复夜游的通知", "body_html": body,
         "published_at": "2026-03-02T09:30:00", "column": "通知公告", "author": "县文旅局办公室",
         "keywords": ["旅游", "三河古镇"], "disclosure": {"document_number": "肥文旅〔2026〕3号"}},
        {"url": f"https://{host}/?p=13", "title": "机构职能", "body_html": "<p>负责全县文化和旅游工作。</p>",
         "published_at": "2026-03-02T01:30:00+00:00", "column": "通知公告",
         "attachments": [f"https://{host}/u/missing.docx"]},
    ]  # fmt: skip
    pushed = await api.post(f"{JOBS}/{job['id']}/records", json={"records": records}, headers=admin)
    assert pushed.status_code == 200, pushed.text
    assert (await api.post(f"{JOBS}/{job['id']}/finish", headers=admin)).status_code == 200
    done = await job_in(api, admin, "feixi", job["id"], "done", "failed")
    assert done["progress"]["imported"] == 2 and done["progress"]["refused"] == 0
    await eventually(lambda: _heard(events, 2))
    staged = {e.data["document"]["title"]: e.data["document"] for e in events.distinct(LegacyDocumentStaged.type)}
    notice = staged["关于三河古镇景区恢复夜游的通知"]
    assert notice["published_at"].startswith("2026-03-02T09:30:00+08:00") and notice["keywords"] == ["旅游", "三河古镇"]
    assert notice["document_number"] == "肥文旅〔2026〕3号" and notice["channel_id"] == channels["zwdt/tzgg"]
    assert [f["filename"] for f in notice["files"]] == ["公告.pdf"] and notice["files"][0]["size"] == 9
    assert staged["机构职能"]["published_at"].startswith("2026-03-02T09:30:00+08:00")  # UTC given, Beijing kept
    refused = (
        await api.get(f"{API}/sites/feixi/urlmap", params={"state": "refused"}, headers=admin)
    ).json()  # the file

    assert [(r["legacy_url"], r["reason"]) for r in refused["items"]] == [
        (f"https://{host}/u/missing.docx", "未上传该文件（镜像或导出中没有）")
    ]


async def test_a_bad_batch_is_refused_whole_naming_the_problem(api, tokens, channels, app) -> None:
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    job = await upload_job(api, admin)
    pages = await mirror(PATHS[:3])
    bad_base64 = [pages[0], {**pages[1], "body_base64": "不是base64!!"}]
    refused = await api.post(f"{JOBS}/{job['id']}/pages", json={"pages": bad_base64}, headers=admin)
    assert refused.status_code == 422 and "pages[1].body_base64" in refused.text and "base64" in refused.text
    outside = [pages[0], {**pages[2], "url": "http://www.gov.cn/old/tzgg.html"}]
    refused = await api.post(f"{JOBS}/{job['id']}/pages", json={"pages": outside}, headers=admin)
    assert refused.status_code == 422 and "pages[1].url" in refused.text
    assert "http://www.gov.cn/old/tzgg.html 不在本任务的旧网站域名" in refused.json()["error"]["message"]
    too_many = await api.post(f"{JOBS}/{job['id']}/pages", json={"pages": [pages[0]] * 201}, headers=admin)
    assert too_many.status_code == 422 and "pages" in too_many.text
    stranger = await api.put(f"{JOBS}/{job['id']}/files", params={"url": "http://www.gov.cn/a.pdf"}, content=b"%PDF",
                             headers=admin)  # fmt: skip
    assert stranger.status_code == 422 and "不在本任务的旧网站域名" in stranger.text
    TransitionRuntime.of(app).settings.max_file_bytes = 1024
    large = await api.put(f"{JOBS}/{job['id']}/files", params={"url": f"http://{LEGACY}/u/big.pdf"},
                          content=b"%PDF" * 1000, headers=admin)  # fmt: skip
    assert large.status_code == 413 and "上限" in large.json()["error"]["message"]
    after = (await api.get(f"{JOBS}/{job['id']}", headers=admin)).json()
    assert after["progress"]["pages"] == 0 and after["state"] == "running"
    assert (await api.get(f"{API}/sites/feixi/urlmap", headers=admin)).json()["total"] == 0  # nothing written
    nameless = await api.post(JOBS, json={"source": "upload:镜像"}, headers=admin)
    assert nameless.status_code == 422 and "legacy_domains" in nameless.text and "域名" in nameless.text


async def test_a_cancelled_or_crawled_job_takes_no_push_and_each_site_pushes_to_its_own(api, tokens, channels) -> None:
    admin = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    other = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    job = await upload_job(api, admin)
    pages = {"pages": await mirror(PATHS[4:5])}
    assert (await api.post(f"{JOBS}/{job['id']}/pages", json=pages, headers=other)).status_code == 403
    hefei = f"{API}/sites/hefei/jobs/{job['id']}"
    assert (await api.post(f"{hefei}/pages", json=pages, headers=other)).status_code == 404
    assert (await api.post(f"{hefei}/finish", headers=other)).status_code == 404
    assert (await push_file(api, other, job["id"], "/u/0.pdf")).status_code == 403
    editor = tokens.bearer("editor@feixi", ("feixi", "editor"))
    assert (await api.post(f"{JOBS}/{job['id']}/pages", json=pages, headers=editor)).status_code == 403

    assert (await api.post(f"{JOBS}/{job['id']}/pages", json=pages, headers=admin)).status_code == 200
    cancelled = await api.post(f"{JOBS}/{job['id']}/cancel", headers=admin)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"  # nothing in flight to wait for
    refused = await api.post(f"{JOBS}/{job['id']}/pages", json=pages, headers=admin)
    assert refused.status_code == 409 and "已取消" in refused.json()["error"]["message"]
    assert (await push_file(api, admin, job["id"], "/u/0.pdf")).status_code == 409
    assert (await api.post(f"{JOBS}/{job['id']}/finish", headers=admin)).status_code == 409
    resumed = await api.post(f"{JOBS}/{job['id']}/start", headers=admin)
    assert resumed.status_code == 200 and resumed.json()["state"] == "running"
    again = await api.post(f"{JOBS}/{job['id']}/pages", json=pages, headers=admin)  # the resumed client's push
    assert again.status_code == 200 and again.json()["job"]["progress"]["pages"] == 1
    assert again.json()["job"]["progress"]["documents"] == 1  # the same legacy key: one document, not two

    crawl = await api.post(JOBS, json={"source": f"http://{LEGACY}/", "start": False}, headers=admin)
    refused = await api.post(f"{JOBS}/{crawl.json()['id']}/pages", json=pages, headers=admin)
    assert refused.status_code == 409 and "不接收上传" in refused.json()["error"]["message"]


async def _heard(events, count: int) -> bool:  # noqa: ANN001 - the EventLog
    return len(events.distinct(LegacyDocumentStaged.type)) >= count
