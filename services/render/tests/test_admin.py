"""A site's look and redirect table: only its own admins change them, bad input is named, pages follow."""

from __future__ import annotations

import pytest

from services.render.main import RenderRuntime
from services.render.tests.support import Feeder, eventually, site, site_ready
from shared.events.transition import Redirect, UrlMapChanged

API = "/api/v1/render"
HEFEI = site("hefei", "合肥市人民政府", "3401000001")
FEIXI = site("feixi", "肥西县人民政府", "3401230001")


@pytest.fixture
async def two_sites(feeder, pages) -> None:
    await feeder.open_site(HEFEI)
    await feeder.open_site(FEIXI)
    await site_ready(pages, HEFEI.main_domain)
    await site_ready(pages, FEIXI.main_domain)


async def test_a_site_admin_sets_colours_and_logo_and_every_page_follows(api, pages, tokens, two_sites) -> None:
    admin = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    assert "--primary:#b3000c" in (await pages.get("/")).text
    body = {"primary_color": "#005A9C", "logo_url": "/api/v1/content/public/logo.png", "logo_alt": "合肥市政府徽标"}
    saved = await api.put(f"{API}/sites/hefei/theme", json=body, headers=admin)
    assert saved.status_code == 200 and saved.json()["primary_color"] == "#005a9c"
    page = (await pages.get("/")).text
    assert "--primary:#005a9c" in page and 'alt="合肥市政府徽标"' in page
    assert "--primary:#b3000c" in (await pages.get("/", headers={"host": "www.feixi.gov.cn"})).text
    assert (await api.get(f"{API}/sites/hefei/theme", headers=admin)).json()["logo_alt"] == "合肥市政府徽标"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"primary_color": "#ffcc00"}, "primary_color"),  # 1.6:1 with white text: unreadable
        ({"link_color": "blue"}, "link_color"),
        ({"logo_url": "/logo.png"}, "body"),  # no alt text
        ({"logo_url": "javascript:alert(1)", "logo_alt": "徽标"}, "logo_url"),
        ({"footer_lines": ["一"] * 6}, "footer_lines"),
        ({"colour": "#000000"}, "colour"),
    ],
)
async def test_bad_theme_input_is_refused_naming_the_field(api, pages, tokens, two_sites, body, field) -> None:
    admin = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    response = await api.put(f"{API}/sites/hefei/theme", json=body, headers=admin)
    assert response.status_code == 422
    assert field in str(response.json()["error"]["details"])
    assert "--primary:#b3000c" in (await pages.get("/")).text


async def test_redirect_table_301_and_410_before_rendering(api, pages, tokens, two_sites) -> None:
    admin = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    batch = {
        "items": [
            {"old_path": "/art/2019/5/1/art_1_2.html", "target": "/zwdt/"},
            {"old_path": "/col/col123/index.html", "target": "https://www.ah.gov.cn/"},
            {"old_path": "/zwdt/", "target": None},
        ]
    }
    written = await api.post(f"{API}/sites/hefei/redirects", json=batch, headers=admin)
    assert written.status_code == 200 and written.json()["written"] == 3
    moved = await pages.get("/art/2019/5/1/art_1_2.html")
    assert moved.status_code == 301 and moved.headers["location"] == "/zwdt/"
    assert (await pages.get("/zwdt/")).status_code == 410  # consulted before the channel itself
    assert (await pages.get("/art/2019/5/1/art_1_2.html", headers={"host": "www.feixi.gov.cn"})).status_code == 404
    deleted = await api.delete(f"{API}/sites/hefei/redirects", params={"old_path": "/zwdt/"}, headers=admin)
    assert deleted.status_code == 204
    assert (await pages.get("/zwdt/")).status_code == 200  # reloaded without a restart
    listed = (await api.get(f"{API}/sites/hefei/redirects", headers=admin)).json()
    assert {r["old_path"]: r["status"] for r in listed} == {
        "/art/2019/5/1/art_1_2.html": 301,
        "/col/col123/index.html": 301,
    }


async def test_bad_redirects_are_refused_whole(api, pages, tokens, two_sites) -> None:
    admin = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    batch = {"items": [{"old_path": "/ok.html", "target": "/"}, {"old_path": "no-slash.html", "target": "/"}]}
    response = await api.post(f"{API}/sites/hefei/redirects", json=batch, headers=admin)
    assert response.status_code == 422 and "old_path" in str(response.json()["error"]["details"])
    assert (await api.get(f"{API}/sites/hefei/redirects", headers=admin)).json() == []
    assert (await pages.get("/ok.html")).status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/sites/hefei/theme", None),
        ("PUT", "/sites/hefei/theme", {"primary_color": "#000000"}),
        ("GET", "/sites/hefei/redirects", None),
        ("POST", "/sites/hefei/redirects", {"items": [{"old_path": "/a.html", "target": "/"}]}),
        ("DELETE", "/sites/hefei/redirects?old_path=/a.html", None),
        ("POST", "/sites/hefei/mirror", None),
    ],
)
async def test_another_sites_admin_and_anonymous_callers_are_refused(
    api, pages, tokens, two_sites, method, path, body
) -> None:
    for headers, status in (
        ({}, 401),
        (tokens.bearer("admin@feixi", ("feixi", "site_admin")), 403),
        (tokens.bearer("editor@hefei", ("hefei", "editor")), 403),
    ):
        response = await api.request(method, f"{API}{path}", json=body, headers=headers)
        assert response.status_code == status, (path, headers, response.text)
    assert "--primary:#b3000c" in (await pages.get("/")).text
    admin = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    assert (await api.get(f"{API}/sites/hefei/redirects", headers=admin)).json() == []


async def test_the_mirror_is_rebuilt_on_request(app, api, tokens, two_sites) -> None:
    admin = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    rebuilt = await api.post(f"{API}/sites/hefei/mirror", headers=admin)
    assert rebuilt.status_code == 200 and rebuilt.json()["files"] >= 10
    blobs = RenderRuntime.of(app).blobs
    assert "合肥市人民政府" in (await blobs.get("sites/hefei/mirror/index.html")).decode()
    assert (await blobs.get("sites/hefei/mirror/_static/default/site.css")).startswith(b"/*")
    operator = tokens.bearer("ops", ("*", "platform_operator"))
    mirror = RenderRuntime.of(app).mirror
    mirror.changed("hefei", {"doc:41", "doc:42", "list:hefei:zwdt"})
    assert (await api.get(f"{API}/cache", headers=operator)).json()["mirror_pending"] >= 3
    await mirror.drain()
    stats = (await api.get(f"{API}/cache", headers=operator)).json()
    assert stats["pages"] >= 1 and stats["mirror_files_written"] >= rebuilt.json()["files"]
    assert stats["mirror_pending"] == 0
    assert (await api.get(f"{API}/cache", headers=admin)).status_code == 403


async def test_a_site_overrides_a_template_without_touching_other_sites(settings, tmp_path) -> None:
    import httpx

    from services.render.main import create_app
    from shared.testing import running

    own = tmp_path / "templates" / "hefei"
    own.mkdir(parents=True)
    (own / "error.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>合肥专用：{{ message }}</h1>{% endblock %}', encoding="utf-8"
    )
    app = create_app(settings.model_copy(update={"templates_dir": tmp_path / "templates"}), access_log=False)
    async with running(app):
        feeder = Feeder(RenderRuntime.of(app).bus)
        await feeder.open_site(HEFEI)
        await feeder.open_site(FEIXI)
        transport = httpx.ASGITransport(RenderRuntime.of(app).pages)
        async with httpx.AsyncClient(transport=transport, base_url="http://www.hefei.gov.cn") as pages:
            await site_ready(pages, HEFEI.main_domain)
            await site_ready(pages, FEIXI.main_domain)
            assert "合肥专用：您访问的页面不存在" in (await pages.get("/nope")).text
            other = await pages.get("/nope", headers={"host": FEIXI.main_domain})
            assert other.status_code == 404 and "合肥专用" not in other.text


async def test_a_migrations_url_map_answers_on_the_legacy_domain_in_one_hop(pages, feeder) -> None:
    """Old CMS addresses keep their query (/content.jsp?id=12 is not ?id=13), and a legacy host goes straight
    to the new page on the main domain instead of through two redirects."""
    feixi = site("feixi", "肥西县人民政府", "3401230001", domains=("old.feixi.gov.cn",))
    await feeder.open_site(feixi)
    await site_ready(pages, feixi.main_domain)
    changed = UrlMapChanged(
        site_id="feixi", aggregate_id="7", aggregate_version=1,
        redirects=[
            Redirect(legacy_key="/content.jsp?catid=3&id=12", target="/zwdt/202003/t20200317_5.html"),
            Redirect(legacy_key="/content.jsp?catid=3&id=13", target=None),
            Redirect(legacy_key="//old.feixi.gov.cn/art/2020/3/17/公告_2.html", target="/zwdt/202003/t20200317_6.html"),
        ],
    )  # fmt: skip
    await feeder.send(changed)
    legacy = {"host": "old.feixi.gov.cn"}

    async def mapped() -> bool:
        moved = await pages.get("/art/2020/3/17/%E5%85%AC%E5%91%8A_2.html", headers=legacy)
        return moved.headers.get("location") == "http://www.feixi.gov.cn/zwdt/202003/t20200317_6.html"

    await eventually(mapped, timeout=20)
    moved = await pages.get("/content.jsp?id=12&catid=3", headers=legacy)
    assert moved.status_code == 301
    assert moved.headers["location"] == "http://www.feixi.gov.cn/zwdt/202003/t20200317_5.html"
    assert (await pages.get("/content.jsp?id=13&catid=3", headers=legacy)).status_code == 410
    on_main = await pages.get("/content.jsp?catid=3&id=12", headers={"host": feixi.main_domain})
    assert on_main.headers["location"] == "http://www.feixi.gov.cn/zwdt/202003/t20200317_5.html"
    article = await pages.get("/art/2020/3/17/公告_2.html?from=weixin", headers=legacy)
    assert article.headers["location"] == "http://www.feixi.gov.cn/zwdt/202003/t20200317_6.html"
    linked = await pages.get("/_legacy/old.feixi.gov.cn/art/2020/3/17/公告_2.html", headers={"host": feixi.main_domain})
    assert linked.headers["location"] == "http://www.feixi.gov.cn/zwdt/202003/t20200317_6.html"
    assert (await pages.get("/art/2020/3/17/公告_2.html", headers={"host": "www.feixi.gov.cn"})).status_code == 404
    unknown = await pages.get("/zwdt/?page=2", headers=legacy)  # not in the map: the main domain, as before
    assert unknown.status_code == 301 and unknown.headers["location"] == "http://www.feixi.gov.cn/zwdt/?page=2"

    await feeder.send(
        UrlMapChanged(site_id="feixi", aggregate_id="7", aggregate_version=2, removed=["/content.jsp?catid=3&id=13"])
    )

    async def forgotten() -> bool:
        return (await pages.get("/content.jsp?id=13&catid=3", headers=legacy)).status_code == 404  # no such page

    await eventually(forgotten, timeout=20)
