"""The consolidated platform end to end: gateway → content service → pages per Host, and the demo."""

from __future__ import annotations

import re

import pytest

from shared.auth import Grant
from sitegroup.demo.province import PROVINCE
from sitegroup.demo.seed import FIXED_PER_SITE, seed_province, total_documents

API = "/api/v1/content"


def bearer(platform, subject: str, *grants: tuple[str, str]) -> dict[str, str]:
    token = platform.signer.mint(subject, [Grant(site=s, role=r) for s, r in grants], name=subject)
    return {"authorization": f"Bearer {token}"}


async def open_hefei(http, platform) -> dict:
    operator = bearer(platform, "operator", ("*", "platform_operator"))
    for body in (
        {
            "id": "ah",
            "name": "安徽省人民政府",
            "host_unit": "安徽省人民政府办公厅",
            "site_code": "3400000001",
            "org_code": "003014349",
            "level": "province",
            "main_domain": "www.ah.gov.cn",
            "status": "online",
        },
        {
            "id": "hefei",
            "name": "合肥市人民政府",
            "host_unit": "合肥市人民政府办公室",
            "site_code": "3401000001",
            "org_code": "003254560",
            "level": "city",
            "parent_id": "ah",
            "main_domain": "www.hefei.gov.cn",
            "domains": ["hefei.gov.cn"],
            "status": "online",
            "icp_number": "皖ICP备05001925号",
        },
    ):
        response = await http.post(f"{API}/sites", json=body, headers=operator)
        assert response.status_code == 201, response.text
    return {c["path"]: c["id"] for c in (await http.get(f"{API}/sites/hefei/channels")).json()}


async def publish(http, platform, channel_id: int, title: str, *, site: str = "hefei", **extra) -> dict:
    editor = bearer(platform, "editor", (site, "editor"))
    doc = (
        await http.post(
            f"{API}/sites/{site}/documents",
            headers=editor,
            json={
                "channel_id": channel_id,
                "title": title,
                "body_html": "<p>为深入贯彻落实《政府网站发展指引》，现将有关事项通知如下。</p>",
                "submit": True,
                **extra,
            },
        )
    ).json()
    for step in ("初审", "审核", "审发"):
        response = await http.post(
            f"{API}/sites/{site}/documents/{doc['id']}/approve",
            headers=bearer(platform, step, (site, f"reviewer:{step}")),
        )
        assert response.status_code == 200, response.text
    await platform.settle()
    return response.json()


async def test_each_site_answers_on_its_own_hosts(http, platform) -> None:
    channels = await open_hefei(http, platform)
    doc = await publish(http, platform, channels["zwdt/yw"], "合肥市召开全市政府网站工作推进会")
    moved = await http.get("/zwdt/yw/?page=2", headers={"host": "hefei.gov.cn"})
    assert moved.status_code == 301 and moved.headers["location"] == "http://www.hefei.gov.cn/zwdt/yw/?page=2"
    for host in ("www.hefei.gov.cn", "hefei.localhost:8765"):
        home = await http.get("/", headers={"host": host})
        assert home.status_code == 200, host
        assert '<meta name="SiteIDCode" content="3401000001">' in home.text
        assert "合肥市召开全市政府网站工作推进会" in home.text and "皖ICP备05001925号" in home.text
    province = await http.get("/", headers={"host": "www.ah.gov.cn"})
    assert "安徽省人民政府" in province.text and "合肥市召开" not in province.text
    article = await http.get(doc["url_path"], headers={"host": "www.hefei.gov.cn"})
    assert article.status_code == 200 and doc["index_number"] in article.text
    assert 'lang="zh-CN"' in article.text
    assert (await http.get(doc["url_path"], headers={"host": "www.ah.gov.cn"})).status_code == 404
    assert (await http.get("/", headers={"host": "www.nowhere.gov.cn"})).status_code == 404


async def test_withdrawn_and_gone_pages(http, platform) -> None:
    channels = await open_hefei(http, platform)
    admin = bearer(platform, "admin", ("hefei", "site_admin"))
    withdrawn = await publish(http, platform, channels["zwdt/tzgg"], "关于调整政务服务大厅办公时间的通知")
    gone = await publish(http, platform, channels["zwdt/tzgg"], "关于开展政府网站普查工作的通知")
    await http.post(
        f"{API}/sites/hefei/documents/{withdrawn['id']}/unpublish",
        headers=admin,
        json={"kind": "withdraw", "reason": "办公时间已再次调整"},
    )
    await http.post(
        f"{API}/sites/hefei/documents/{gone['id']}/unpublish",
        headers=admin,
        json={"kind": "gone", "reason": "重复发布"},
    )
    await platform.settle()
    page = await http.get(withdrawn["url_path"], headers={"host": "www.hefei.gov.cn"})
    assert page.status_code == 200 and "该信息已撤回" in page.text and "办公时间已再次调整" in page.text
    assert (await http.get(gone["url_path"], headers={"host": "www.hefei.gov.cn"})).status_code == 410


async def test_the_gateway_routes_apis_and_reports_health(http) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    ready = await http.get("/readyz")
    assert ready.status_code == 200 and ready.json()["services"] == dict.fromkeys(
        ("console", "content", "identity", "interaction", "opendata", "render", "search", "transition"), True
    )
    assert "sitegroup_http_requests_total" in (await http.get("/metrics")).text
    directory = await http.get(f"{API}/sites")
    assert directory.status_code == 200 and directory.headers["x-request-id"]
    missing = await http.get("/api/v1/nothing/here")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


@pytest.mark.slow
async def test_the_demo_province_is_seeded_through_the_workflow(platform, http) -> None:
    counts = await seed_province(platform.content.deps)
    assert sum(counts.values()) == total_documents() >= 500
    await platform.settle(timeout=60)
    directory = (await http.get(f"{API}/sites")).json()
    levels = [s["level"] for s in directory]
    assert len(directory) == len(PROVINCE) and levels.count("department") >= 5
    assert levels.count("city") + levels.count("county") >= 3
    operator = bearer(platform, "operator", ("*", "platform_operator"))
    for site in PROVINCE:
        live = (
            await http.get(
                f"{API}/sites/{site.id}/documents", params={"public_state": "live", "size": 1}, headers=operator
            )
        ).json()
        assert live["total"] == site.documents + FIXED_PER_SITE
        channels = {c["path"] for c in (await http.get(f"{API}/sites/{site.id}/channels")).json()}
        assert {"zfxxgk/zn", "zfxxgk/zd", "zfxxgk/fdzdgknr", "zfxxgk/nb"} <= channels
        home = await http.get("/", headers={"host": site.main_domain})
        assert home.status_code == 200 and site.name in home.text
        guide = await http.get("/zfxxgk/zn/", headers={"host": site.main_domain})
        assert f"需要获得{site.host_unit}政府信息公开服务" in guide.text and "20个工作日" in guide.text
        reports = await http.get("/zfxxgk/nb/", headers={"host": site.main_domain})
        assert "年政府信息公开工作年度报告" in reports.text
    pushed = (await http.get(f"{API}/library", params={"site_id": "ah", "size": 100}, headers=operator)).json()
    assert pushed["total"] == PROVINCE[0].documents + FIXED_PER_SITE
    policies = (await http.get("/zfxxgk/", headers={"host": "www.ah.gov.cn"})).text
    assert re.search(r'<td data-label="成文日期">20\d{2}-\d{2}-\d{2}</td>', policies), (
        "the demo's policies have 成文日期"
    )
