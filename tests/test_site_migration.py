"""Issue 15's proof through the gateway: a legacy county site served on loopback is migrated into a target site
— every old URL answers 301 (in one hop, on the legacy domain) to a page with the right title and date, or 410;
its files come from the blob store; a re-run changes nothing; a cancelled job resumes and loses or doubles
nothing; and nobody but the site's admins and the platform's operators touches its jobs or URL map."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest

from services.transition.tests.legacy_site import article_day, article_path, article_title, legacy_site
from shared.events.samples import eventually
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
        "resolve": {LEGACY: server} if server else {},
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
    old_link = await http.get("/old/tzgg.html", headers=OLD)  # the legacy site's own redirect: one hop now
    assert old_link.status_code == 301 and old_link.headers["location"] == "http://www.hefei.gov.cn/zwdt/tzgg/"

    admin = bearer(platform, "admin", ("hefei", "site_admin"))
    gone = {"legacy_key": f"//{LEGACY}/zt/2019/index.html", "target": None}
    assert (await http.put(f"{API}/urlmap", json=gone, headers=admin)).status_code == 200
    await platform.settle()
    assert (await http.get("/zt/2019/index.html", headers=OLD)).status_code == 410

    for _ in range(3):  # a citizen's bookmark nothing answers: counted, and listed for a decision
        assert (await http.get("/art/2019/6/1/art_123_4567.html", headers=OLD)).status_code == 404
    await platform.render.pages.misses.flush()
    await platform.settle()
    undecided = (await http.get(f"{API}/urlmap", params={"state": "unmapped"}, headers=admin)).json()
    assert [(r["legacy_key"], r["hits"], r["reason"]) for r in undecided["items"]] == [
        (f"//{LEGACY}/art/2019/6/1/art_123_4567.html", 3, "访客访问时不存在（404）"),  # most asked first
        (f"//{LEGACY}/admin/login.jsp", 0, "robots.txt 不允许抓取"),  # linked, never read: the operator decides
    ]
    decided = {"legacy_key": f"//{LEGACY}/art/2019/6/1/art_123_4567.html", "target": "/zwdt/tzgg/"}
    assert (await http.put(f"{API}/urlmap", json=decided, headers=admin)).status_code == 200
    await platform.settle()
    assert (await http.get("/art/2019/6/1/art_123_4567.html", headers=OLD)).status_code == 301

    documents = await _documents(http, platform)
    again = await http.post(f"{API}/jobs/{job['id']}/start", headers=admin)
    assert again.status_code == 200, again.text
    rerun = await wait_for_job(http, platform, job["id"], "done", "failed")
    assert rerun["state"] == "done" and rerun["run"] == 2
    assert await _documents(http, platform) == documents  # updated in place: no copies, no new revisions
    assert visits.conditional_hits >= ARTICLES  # the second pass asked each article with its ETag


async def _documents(http, platform) -> list[tuple[int, str, int]]:
    editor = bearer(platform, "admin", ("hefei", "site_admin"))
    found, page = [], 1
    while True:
        listed = (await http.get(f"/api/v1/content/sites/hefei/documents?size=100&page={page}", headers=editor)).json()
        found += [(d["id"], d["title"], d["version"]) for d in listed["items"]]
        if len(found) >= listed["total"]:
            return sorted(found)
        page += 1


async def test_a_cancelled_job_resumes_and_loses_or_doubles_nothing(http, platform) -> None:
    app, visits = legacy_site(120, delay=0.01)
    with serve_on_port(app) as base:
        channels = await open_hefei(http, platform)
        job = await plan_job(http, platform, urlsplit(base).netloc, channels, per_second=60, mapping={})
        admin = bearer(platform, "admin", ("hefei", "site_admin"))

        async def under_way() -> bool:
            return (await http.get(f"{API}/jobs/{job['id']}", headers=admin)).json()["progress"]["pages"] >= 20

        await eventually(under_way, timeout=30)
        cancelled = await http.post(f"{API}/jobs/{job['id']}/cancel", headers=admin)
        assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelling"
        stopped = await wait_for_job(http, platform, job["id"], "cancelled")
        assert 20 <= stopped["progress"]["pages"] < 120
        again = await http.post(f"{API}/jobs/{job['id']}/cancel", headers=admin)
        assert again.status_code == 409 and "无需取消" in again.json()["error"]["message"]

        resumed = await http.post(f"{API}/jobs/{job['id']}/start", headers=admin)
        assert resumed.status_code == 200
        done = await wait_for_job(http, platform, job["id"], "done", "failed")
    assert done["state"] == "done" and done["progress"]["imported"] == 120, done
    assert done["mapping"] == {"通知公告": channels["zwdt/tzgg"]}  # matched by name, kept in the plan
    fetched_twice = [p for p, n in visits.paths.items() if n > 1 and p != "/robots.txt"]
    assert fetched_twice == []  # the resumed crawl went on from its frontier
    documents = await _documents(http, platform)
    assert len(documents) == len({title for _, title, _ in documents}) == 120
    log = (await http.get(f"{API}/jobs/{job['id']}/log", headers=admin)).json()
    assert [e["action"] for e in log][:1] == ["job.created"] and "job.cancelled" in [e["action"] for e in log]
    assert [e["action"] for e in log][-1] == "job.done"


async def test_only_the_sites_admins_and_operators_touch_its_migration(http, platform) -> None:
    channels = await open_hefei(http, platform)
    await platform.settle()
    body = {"source": f"http://{LEGACY}/", "mapping": {"通知公告": channels["zwdt/tzgg"]}, "start": False}
    for headers, status in (
        ({}, 401),
        (bearer(platform, "editor", ("hefei", "editor")), 403),
        (bearer(platform, "other-admin", ("ah", "site_admin")), 403),
    ):
        assert (await http.post(f"{API}/jobs", json=body, headers=headers)).status_code == status
        assert (await http.get(f"{API}/urlmap", headers=headers)).status_code == status
    admin = bearer(platform, "admin", ("hefei", "site_admin"))
    job = (await http.post(f"{API}/jobs", json=body, headers=admin)).json()
    assert job["state"] == "planned" and job["legacy_domains"] == [LEGACY]
    other = bearer(platform, "other-admin", ("ah", "site_admin"))
    assert (await http.get(f"/api/v1/transition/sites/ah/jobs/{job['id']}", headers=other)).status_code == 404
    operator = bearer(platform, "operator", ("*", "platform_operator"))
    assert (await http.get(f"{API}/jobs/{job['id']}", headers=operator)).status_code == 200


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"source": "ftp://old.hefei.gov.cn/"}, "source", "http://"),
        ({"legacy_domains": ["不是域名"]}, "legacy_domains", "不是域名"),
        ({"mapping": {"通知公告": 999_999}}, "mapping", "没有栏目 999999"),
        ({"resolve": {LEGACY: "localhost"}}, "resolve", "IP:端口"),
        ({"per_second": 0}, "per_second", ""),
    ],
)
async def test_a_bad_plan_is_refused_naming_the_problem(http, platform, change, field, words) -> None:
    await open_hefei(http, platform)
    await platform.settle()
    admin = bearer(platform, "admin", ("hefei", "site_admin"))
    body = {"source": f"http://{LEGACY}/", "start": False, **change}
    refused = await http.post(f"{API}/jobs", json=body, headers=admin)
    assert refused.status_code == 422 and field in refused.text and words in refused.text
    assert (await http.get(f"{API}/jobs", headers=admin)).json() == []


async def test_a_url_map_csv_is_taken_whole_or_refused_with_every_bad_line(http, platform) -> None:
    channels = await open_hefei(http, platform)
    await platform.settle()
    admin = bearer(platform, "admin", ("hefei", "site_admin"))
    body = {"source": f"http://{LEGACY}/", "mapping": {"通知公告": channels["zwdt/tzgg"]}, "start": False}
    await http.post(f"{API}/jobs", json=body, headers=admin)
    bad = "旧地址,处理,新地址\n//old.hefei.gov.cn/a.html,302,/b.html\n//old.hefei.gov.cn/c.html,410,/d.html\n"
    refused = await http.put(f"{API}/urlmap/csv", content=bad.encode(), headers=admin)
    assert refused.status_code == 422 and "第 2 行" in refused.text and "第 3 行" in refused.text
    good = "旧地址,处理,新地址\n//old.hefei.gov.cn/zt/,301,/zwdt/\nhttp://old.hefei.gov.cn/公告.html,410,\n"
    written = await http.put(f"{API}/urlmap/csv", content=good.encode("gbk"), headers=admin)  # as Excel saves it
    assert written.status_code == 200 and written.json()["written"] == 2
    await platform.settle()
    assert (await http.get("/zt/", headers=OLD)).headers["location"] == "http://www.hefei.gov.cn/zwdt/"
    assert (await http.get("/公告.html", headers=OLD)).status_code == 410
    exported = (await http.get(f"{API}/urlmap/csv", headers=admin)).text
    assert "//old.hefei.gov.cn/zt/,301,/zwdt/" in exported and "//old.hefei.gov.cn/公告.html,410," in exported


async def test_a_countys_department_sites_move_into_one_site_in_one_plan(http, platform) -> None:
    """Two legacy department sites (the same CMS, so the same paths) into two channels of one target site: each
    department's 通知公告 to its own channel, every old URL kept on its own legacy domain."""
    first, _ = legacy_site(8)
    second, _ = legacy_site(6)
    with serve_on_port(first) as wlj, serve_on_port(second) as jyj:
        channels = await open_hefei(http, platform)
        a, b = "old-wlj.hefei.gov.cn", "old-jyj.hefei.gov.cn"
        plan = {
            "source": f"http://{a}/", "legacy_domains": [a, b],
            "resolve": {a: urlsplit(wlj).netloc, b: urlsplit(jyj).netloc},
            "mapping": {f"{a}:通知公告": channels["zwdt/tzgg"], f"{b}:通知公告": channels["zwdt/yw"]},
        }  # fmt: skip
        job = await plan_job(http, platform, "", channels, **plan)
        done = await wait_for_job(http, platform, job["id"], "done", "failed")
    assert done["state"] == "done" and done["progress"]["imported"] == 8 + 6
    for host, count, channel in ((a, 8, "/zwdt/tzgg/"), (b, 6, "/zwdt/yw/")):
        for number in range(count):
            moved = await http.get(article_path(number), headers={"host": host})
            assert moved.status_code == 301 and urlsplit(moved.headers["location"]).path.startswith(channel)
    assert len(await _documents(http, platform)) == 14  # the same paths on two sites: fourteen documents
