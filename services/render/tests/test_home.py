"""Home pages: a theme per kind of site sharing one set of blocks, blocks a site admin chooses, the group's
other sites, cover images in lists, and a site's language."""

from __future__ import annotations

import re
from typing import get_args

from services.render.main import RenderRuntime
from services.render.service.mirror import mirror_key
from services.render.tests.support import eventually, site, site_ready
from services.render.themes import Themes, theme_stylesheet
from shared.events.content import AttachmentSnapshot, SiteTheme

API = "/api/v1/render"
AH = site("ah", "安徽省人民政府", "3400000001", level="province", theme="province")
HEFEI = site("hefei", "合肥市人民政府", "3401000001", parent_id="ah", theme="county")
WUHU = site("wuhu", "芜湖市人民政府", "3402000001", parent_id="ah", theme="county")
JYT = site("jyt", "安徽省教育厅", "3400000015", level="department", parent_id="ah", theme="department")
ENGLISH = site("ahen", "Anhui Province", "3400000099", level="department", parent_id="ah", lang="en")


def cover(n: int) -> AttachmentSnapshot:
    folder = f"sites/hefei/attachments/2026/11/{n:032x}"
    return AttachmentSnapshot(
        id=n,
        public_id=f"{n:032x}",
        filename=f"现场照片{n}.jpg",
        content_type="image/jpeg",
        size=120_000,
        blob_key=f"{folder}/original.jpg",
        renditions={"w320": f"{folder}/w320.jpg", "w800": f"{folder}/w800.jpg"},
    )


async def home(pages, host: str, text: str) -> str:
    async def shows() -> bool:
        return text in (await pages.get("/", headers={"host": host})).text

    await eventually(shows)
    return (await pages.get("/", headers={"host": host})).text


def block_kinds(page: str) -> list[str]:
    return re.findall(r'class="blk blk-([a-z_]+)"', page)


async def test_each_kind_of_site_gets_its_own_theme_built_of_the_same_blocks(pages, feeder) -> None:
    opened = {}
    for snapshot in (AH, HEFEI, WUHU, JYT):
        opened[snapshot.id] = await feeder.open_site(snapshot)
        await site_ready(pages, snapshot.main_domain)
    hefei = opened["hefei"]
    pictured = [
        feeder.document(HEFEI, (hefei["zwdt/yw"], "zwdt/yw"), f"合肥市政务服务中心新馆启用第{n}期", cover=cover(n))
        for n in (1, 2, 3)
    ]
    plain = feeder.document(HEFEI, (hefei["zwdt/tzgg"], "zwdt/tzgg"), "关于开展政府网站年度检查的通知")
    for doc in (*pictured, plain):
        await feeder.publish(doc)
    lead = pictured[-1]  # the newest with a cover is the large one, its 800-wide rendition
    await home(pages, HEFEI.main_domain, plain.title)
    # Through Kafka the four documents travel on different partitions: wait for the newest picture as the lead too.
    county = await home(pages, HEFEI.main_domain, f'<a class="lead" href="{lead.url_path}">')
    main, side = ["picture_news", "channel_lists", "topics"], ["services", "site_group", "links"]  # no 领导 column
    assert block_kinds(county) == main + side
    assert "/_static/county/theme.css" in county and 'class="theme-county"' in county
    assert f'<a class="lead" href="{lead.url_path}"><img src="/files/{3:032x}/r/w800.jpg" alt="">' in county
    assert f"/files/{1:032x}/r/w320.jpg" in county and plain.url_path in county
    aside = county.split('class="home-aside"', 1)[1]
    assert "网站群导航" in aside and "上级网站" in aside and "https://www.ah.gov.cn/" in aside
    assert (
        "同级网站" in aside and "芜湖市人民政府" in aside and "安徽省教育厅" not in aside
    )  # a department isn't a peer

    province = await home(pages, AH.main_domain, "下级政府网站")
    assert "/_static/province/theme.css" in province and 'class="home-foot"' in province
    group = province.split('class="blk blk-site_group"', 1)[1]
    assert group.index("合肥市人民政府") < group.index("部门网站") < group.index("安徽省教育厅")
    assert 'href="https://www.gov.cn/"' in province  # 相关链接: the national portal

    department = await home(pages, JYT.main_domain, "公开与服务")
    assert '<a class="parent" href="https://www.ah.gov.cn/">安徽省人民政府</a>' in department
    assert (
        department.index('class="home-side"') < department.index("公开与服务") < department.index('class="home-main"')
    )
    assert "picture_news" not in block_kinds(province)  # no pictures yet: the block is left out, not empty


async def test_the_group_directory_follows_sites_opening(pages, feeder) -> None:
    await feeder.open_site(AH)
    await site_ready(pages, AH.main_domain)
    assert "合肥市人民政府" not in (await pages.get("/", headers={"host": AH.main_domain})).text
    await feeder.open_site(HEFEI)
    await home(pages, AH.main_domain, "合肥市人民政府")  # the cached home page went with the new site


async def test_a_site_admin_chooses_the_home_blocks(api, pages, tokens, feeder) -> None:
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    admin = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    leaders = feeder.document(HEFEI, (channels["gk"], "gk"), "合肥概况", summary="合肥市地处安徽省中部，是安徽省省会。")
    await feeder.publish(leaders)
    blocks = [
        {
            "kind": "links",
            "title": "友情链接",
            "links": [{"name": "安徽政务服务网", "url": "https://www.ahzwfw.gov.cn/"}],
        },
        {"kind": "leaders", "channel": "gk", "title": "市情概况"},
        {"kind": "channel_lists", "channels": ["zcjd", "zwdt/tzgg"], "limit": 3},
        {"kind": "services", "links": [{"name": "办事指南", "url": "/bsfw/"}]},
    ]
    saved = await api.put(f"{API}/sites/hefei/theme", json={"home_blocks": blocks}, headers=admin)
    assert saved.status_code == 200 and saved.json()["home_blocks"][0]["title"] == "友情链接"
    page = await home(pages, HEFEI.main_domain, "市情概况")
    assert block_kinds(page) == ["links", "leaders", "services"]  # lists of empty channels are left out
    assert "合肥市地处安徽省中部" in page and "https://www.ahzwfw.gov.cn/" in page


async def test_bad_home_blocks_are_refused_naming_the_block(api, pages, tokens, feeder) -> None:
    await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    admin = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    cases = [
        ([{"kind": "picture_news", "channel": "nosuch"}], "home_blocks[0].channel"),
        ([{"kind": "carousel"}], "home_blocks"),
        ([{"kind": "links", "links": [{"name": "坏链接", "url": "javascript:alert(1)"}]}], "url"),
        ([{"kind": "links", "links": []}], "links"),
        ([{"kind": "picture_news", "limit": 50}], "limit"),
    ]
    for blocks, field in cases:
        response = await api.put(f"{API}/sites/hefei/theme", json={"home_blocks": blocks}, headers=admin)
        assert response.status_code == 422, blocks
        assert field in str(response.json()["error"]["details"]), (field, response.text)
    other = tokens.bearer("admin@feixi", ("feixi", "site_admin"))
    refused = await api.put(f"{API}/sites/hefei/theme", json={"home_blocks": []}, headers=other)
    assert refused.status_code == 403


async def test_a_list_shows_the_thumbnail_of_each_cover(pages, feeder) -> None:
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    doc = feeder.document(HEFEI, (channels["zwdt/yw"], "zwdt/yw"), "巢湖综合治理现场推进会召开", cover=cover(7))
    await feeder.publish(doc)

    async def listed() -> bool:
        return doc.title in (await pages.get("/zwdt/yw/", headers={"host": HEFEI.main_domain})).text

    await eventually(listed)
    page = (await pages.get("/zwdt/yw/", headers={"host": HEFEI.main_domain})).text
    assert f'<img class="thumb" src="/files/{7:032x}/r/w320.jpg" alt="" loading="lazy">' in page


async def test_a_foreign_language_site_is_framed_in_its_language(pages, feeder) -> None:
    await feeder.open_site(ENGLISH)
    await site_ready(pages, ENGLISH.main_domain)
    page = (await pages.get("/", headers={"host": ENGLISH.main_domain})).text
    assert page.startswith('<!doctype html>\n<html lang="en">')
    assert '<meta property="og:locale" content="en_US">' in page and "Skip to main content" in page
    missing = await pages.get("/nowhere/", headers={"host": ENGLISH.main_domain})
    assert missing.status_code == 404 and "Page not found" in missing.text and 'lang="en"' in missing.text


async def test_the_mirror_of_every_home_page_follows_the_group(app, pages, feeder) -> None:
    await feeder.open_site(AH)
    await site_ready(pages, AH.main_domain)
    mirror = RenderRuntime.of(app).mirror
    await mirror.drain()
    await feeder.open_site(WUHU)
    await site_ready(pages, WUHU.main_domain)
    await mirror.drain()
    mirrored = (await RenderRuntime.of(app).blobs.get(mirror_key("ah", "/"))).decode()
    assert "芜湖市人民政府" in mirrored and "下级政府网站" in mirrored


def test_the_themes_a_site_may_choose_are_the_ones_the_renderer_ships() -> None:
    """Content refuses a theme outside the contract's list (422); each name on it has its templates here."""
    assert Themes().names() == sorted(get_args(SiteTheme))
    assert all(theme_stylesheet(name) for name in get_args(SiteTheme) if name != "default")


async def test_a_home_list_holds_its_subchannels_newest_entries(api, pages, tokens, feeder) -> None:
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    older = feeder.document(HEFEI, (channels["zwdt/yw"], "zwdt/yw"), "合肥市召开政务公开工作会议")
    newer = feeder.document(HEFEI, (channels["zwdt/tzgg"], "zwdt/tzgg"), "关于做好2027年元旦春节期间安全生产工作的通知")
    own = feeder.document(HEFEI, (channels["zcjd"], "zcjd"), "一图读懂合肥市资源整合工作方案")
    for doc in (older, newer, own):
        await feeder.publish(doc)
    blocks = [{"kind": "channel_lists", "channels": ["zwdt", "zcjd"], "limit": 1}]
    admin = tokens.bearer("admin@hefei", ("hefei", "site_admin"))
    assert (await api.put(f"{API}/sites/hefei/theme", json={"home_blocks": blocks}, headers=admin)).status_code == 200
    page = await home(pages, HEFEI.main_domain, "一图读懂")
    assert newer.title in page and older.title not in page  # 政务动态 shows the newest of its subchannels, one
