"""Issue 3's proof through the gateway: a document published through the workflow shows up on its article
URL, its channel list, the home page, the sitemap, the RSS feed and the static mirror; withdrawal, 失效 and
gone change exactly what a visitor sees."""

from __future__ import annotations

import io
import re
from urllib.parse import quote, unquote

from PIL import Image
from sqlalchemy import text

from tests.test_consolidated import API, bearer, open_hefei, publish

HOST = {"host": "www.hefei.gov.cn"}


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (179, 0, 12)).save(buffer, "PNG")
    return buffer.getvalue()


async def test_a_published_document_reaches_every_page_and_the_mirror(http, platform) -> None:
    channels = await open_hefei(http, platform)
    doc = await publish(http, platform, channels["zwdt/tzgg"], "关于做好政府网站信息内容建设的通知")
    title, path = doc["title"], doc["url_path"]
    article = await http.get(path, headers=HOST)
    assert article.status_code == 200 and title in article.text
    for page in ("/", "/zwdt/tzgg/", "/zwdt/", "/sitemap.xml", "/zwdt/tzgg/rss.xml"):
        assert path in (await http.get(page, headers=HOST)).text, page
    blobs = platform.render.blobs
    assert title in (await blobs.get(f"sites/hefei/mirror{path}")).decode()
    assert title in (await blobs.get("sites/hefei/mirror/index.html")).decode()
    assert title in (await blobs.get("sites/hefei/mirror/zwdt/tzgg/index.html")).decode()
    assert (await blobs.get("sites/hefei/mirror/_static/default/site.css")).startswith(b"/*")
    robots = await http.get("/robots.txt", headers=HOST)
    assert "Sitemap: http://www.hefei.gov.cn/sitemap.xml" in robots.text


async def upload(http, platform, name: str, data: bytes, kind: str) -> dict:
    editor = bearer(platform, "editor", ("hefei", "editor"))
    answer = await http.post(f"{API}/sites/hefei/attachments", headers=editor, files={"file": (name, data, kind)})
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_an_articles_files_are_public_on_its_site_and_in_the_mirror_and_go_with_it(http, platform) -> None:
    channels = await open_hefei(http, platform)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"
    name = "合肥市政府网站管理办法（试行）.pdf"
    attachment = await upload(http, platform, name, pdf, "application/pdf")
    photo = await upload(http, platform, "会议现场.png", png(1200, 800), "image/png")
    doc = await publish(
        http,
        platform,
        channels["zwdt/tzgg"],
        "关于印发政府网站管理办法的通知",
        attachment_ids=[attachment["id"]],
        cover_id=photo["id"],
        summary="为规范政府网站管理，制定本办法。",
    )
    article = (await http.get(doc["url_path"], headers=HOST)).text
    link = f"/files/{attachment['public_id']}/{quote(name, safe='')}"
    assert f'href="{link}"' in article
    cover = re.search(r'<meta name="Image" content="([^"]+)">', article).group(1)
    assert cover.startswith(f"http://www.hefei.gov.cn/files/{photo['public_id']}/r/w800.")
    assert f'<meta property="og:image" content="{cover}">' in article
    answer = await http.get(link, headers=HOST)  # on the site's own host, a path robots.txt allows
    assert answer.status_code == 200 and answer.content == pdf
    assert "Allow: /files/" in (await http.get("/robots.txt", headers=HOST)).text
    assert (await http.get(link.replace("%E5%90%88", "%E5%90%89"), headers=HOST)).status_code == 404  # wrong name
    await platform.settle()
    blobs = platform.render.blobs
    mirrored = f"sites/hefei/mirror{unquote(link)}"
    assert await blobs.get(mirrored) == pdf
    admin = bearer(platform, "admin", ("hefei", "site_admin"))
    withdraw = {"kind": "withdraw", "reason": "办法已修订"}
    assert (
        await http.post(f"{API}/sites/hefei/documents/{doc['id']}/unpublish", headers=admin, json=withdraw)
    ).is_success
    await platform.settle()
    assert (await http.get(link, headers=HOST)).status_code == 404
    assert not await blobs.exists(mirrored)
    notice = (await http.get(doc["url_path"], headers=HOST)).text
    assert "该信息已撤回" in notice and "为规范政府网站管理" not in notice and link not in notice
    assert '<meta name="Description" content="">' in notice and photo["public_id"] not in notice
    for listing in ("/sitemap.xml", "/zwdt/tzgg/rss.xml", "/zwdt/tzgg/", "/"):
        assert doc["url_path"] not in (await http.get(listing, headers=HOST)).text, listing
    page = await blobs.get(f"sites/hefei/mirror{doc['url_path']}")
    assert "为规范政府网站管理" not in page.decode()
    public = (await http.get(f"{API}/public/sites/hefei/pages", params={"path": doc["url_path"]})).json()
    assert public["state"] == "withdrawn" and public["document"] is None and public["reason"] == "办法已修订"


async def test_withdrawn_invalid_and_gone_documents_as_visitors_see_them(http, platform) -> None:
    channels = await open_hefei(http, platform)
    admin = bearer(platform, "admin", ("hefei", "site_admin"))
    notice = await publish(http, platform, channels["zwdt/tzgg"], "关于调整政务服务大厅办公时间的通知")
    policy = await publish(http, platform, channels["zfxxgk/fdzdgknr/zcwj"], "合肥市政府网站管理办法")
    gone = await publish(http, platform, channels["zwdt/tzgg"], "关于开展政府网站普查工作的通知")
    docs = f"{API}/sites/hefei/documents"
    withdraw = {"kind": "withdraw", "reason": "办公时间已再次调整"}
    assert (await http.post(f"{docs}/{notice['id']}/unpublish", headers=admin, json=withdraw)).status_code == 200
    successor = await publish(http, platform, channels["zfxxgk/fdzdgknr/zcwj"], "合肥市政府网站管理办法（2026年修订）")
    invalid = {"validity": "失效", "note": "已被新办法替代", "replaced_by": successor["id"]}
    assert (await http.post(f"{docs}/{policy['id']}/validity", headers=admin, json=invalid)).status_code == 200
    remove = {"kind": "gone", "reason": "重复发布"}
    assert (await http.post(f"{docs}/{gone['id']}/unpublish", headers=admin, json=remove)).status_code == 200
    await platform.settle()
    withdrawn = await http.get(notice["url_path"], headers=HOST)
    assert withdrawn.status_code == 200 and "该信息已撤回，原因：办公时间已再次调整" in withdrawn.text
    assert notice["title"] not in (await http.get("/zwdt/tzgg/", headers=HOST)).text
    marked = await http.get(policy["url_path"], headers=HOST)
    assert "本文件已失效</strong>：已被新办法替代" in marked.text and "<td>失效</td>" in marked.text
    assert f'请参阅相关文件：<a href="{successor["url_path"]}">合肥市政府网站管理办法（2026年修订）</a>' in marked.text
    removed = await http.get(gone["url_path"], headers=HOST)
    assert removed.status_code == 410 and "该信息已删除" in removed.text
    blobs = platform.render.blobs
    assert not await blobs.exists(f"sites/hefei/mirror{gone['url_path']}")
    assert "本文件已失效" in (await blobs.get(f"sites/hefei/mirror{policy['url_path']}")).decode()


async def test_a_link_between_sites_is_an_absolute_address_on_the_other_sites_domain(http, platform) -> None:
    channels = await open_hefei(http, platform)
    province = {c["path"]: c["id"] for c in (await http.get(f"{API}/sites/ah/channels")).json()}
    policy = await publish(http, platform, province["zfxxgk/fdzdgknr/zcwj"], "安徽省优化营商环境条例", site="ah")
    reading = await publish(http, platform, channels["zcjd"], "《安徽省优化营商环境条例》合肥解读")
    editor = bearer(platform, "editor", ("hefei", "editor"))
    linked = await http.put(
        f"{API}/sites/hefei/documents/{reading['id']}/interprets", json={"policy_ids": [policy["id"]]}, headers=editor
    )
    assert linked.status_code == 200
    await platform.settle()
    on_hefei = (await http.get(reading["url_path"], headers=HOST)).text
    assert f'href="http://www.ah.gov.cn{policy["url_path"]}"' in on_hefei
    on_province = (await http.get(policy["url_path"], headers={"host": "www.ah.gov.cn"})).text
    assert f'href="http://www.hefei.gov.cn{reading["url_path"]}"' in on_province


async def test_a_closed_site_sends_every_visitor_on_with_a_301_never_a_503(http, platform) -> None:
    channels = await open_hefei(http, platform)
    operator = bearer(platform, "operator", ("*", "platform_operator"))
    county = {
        "id": "feixi",
        "name": "肥西县人民政府",
        "host_unit": "肥西县人民政府办公室",
        "site_code": "3401230001",
        "org_code": "003275128",
        "level": "county",
        "parent_id": "hefei",
        "main_domain": "www.feixi.gov.cn",
        "domains": ["feixi.gov.cn"],
        "status": "online",
    }
    assert (await http.post(f"{API}/sites", json=county, headers=operator)).status_code == 201
    county_channels = {c["path"]: c["id"] for c in (await http.get(f"{API}/sites/feixi/channels")).json()}
    moved = await publish(
        http, platform, county_channels["zwdt/tzgg"], "肥西县关于政务服务中心搬迁的通知", site="feixi"
    )
    stays = await publish(http, platform, county_channels["zwdt/yw"], "肥西县召开政府网站工作会议", site="feixi")
    editor = bearer(platform, "editor", ("hefei", "editor"))
    repost = await http.post(
        f"{API}/sites/hefei/channels/{channels['zwdt/tzgg']}/placements",
        json={"document_id": moved["id"]},
        headers=editor,
    )
    assert repost.status_code == 201, repost.text
    mapping = {"items": [{"old_path": "/bsfw/", "target": "/zwdt/tzgg/"}]}
    assert (await http.post("/api/v1/render/sites/feixi/redirects", json=mapping, headers=operator)).is_success
    close = {"kind": "merge", "successor_id": "hefei", "reason": "按照集约化要求整合至合肥市政府门户网站"}
    closing = await http.post(f"{API}/sites/feixi/changes", json=close, headers=operator)
    assert closing.status_code == 201 and closing.json()["status"] == "approved"
    await platform.settle()
    feixi = {"host": "www.feixi.gov.cn"}
    home = await http.get("/", headers=feixi)
    assert home.status_code == 301 and home.headers["location"] == "http://www.hefei.gov.cn/"
    found = await http.get(moved["url_path"], headers=feixi)  # the document moved up: its page on the city site
    assert (
        found.status_code == 301 and found.headers["location"] == f"http://www.hefei.gov.cn{repost.json()['url_path']}"
    )
    assert (await http.get(stays["url_path"], headers=feixi)).headers["location"] == "http://www.hefei.gov.cn/"
    mapped = await http.get("/bsfw/", headers=feixi)
    assert mapped.status_code == 301 and mapped.headers["location"] == "http://www.hefei.gov.cn/zwdt/tzgg/"
    other_domain = await http.get("/zwdt/", headers={"host": "feixi.gov.cn"})
    assert other_domain.status_code == 301 and other_domain.headers["location"] == "http://www.hefei.gov.cn/"
    for path in ("/", "/zwdt/tzgg/", "/sitemap.xml", "/robots.txt"):
        assert (await http.get(path, headers=feixi)).status_code == 301, path


async def test_every_site_has_a_search_box_and_a_search_page_that_finds_what_it_published(http, platform) -> None:
    channels = await open_hefei(http, platform)
    doc = await publish(http, platform, channels["zwdt/tzgg"], "关于开展住房公积金缴存基数调整工作的通知")
    await platform.settle()
    home = await http.get("/", headers=HOST)
    assert 'action="/search/"' in home.text and 'role="search"' in home.text
    found = await http.get("/search/", params={"q": "公积金"}, headers=HOST)
    assert found.status_code == 200
    assert f'href="{doc["url_path"]}"' in found.text and "<em>公积金</em>" in found.text
    assert found.headers["cache-control"] == "no-store" and "noindex" in found.headers["x-robots-tag"]
    assert 'ping="http://www.hefei.gov.cn/api/v1/search/clicks?' in found.text
    pinyin = await http.get("/search/", params={"q": "gongjijin"}, headers=HOST)
    assert doc["title"] in pinyin.text
    corrected = await http.get("/search/", params={"q": "住房公积今"}, headers=HOST)
    assert "已为您显示“住房公积金”的搜索结果" in corrected.text
    nothing = await http.get("/search/", params={"q": "火星移民"}, headers=HOST)
    assert "没有找到与“火星移民”相关的结果" in nothing.text
    refused = await http.get("/search/", params={"q": "公积金", "page": "0"}, headers=HOST)
    assert refused.status_code == 422 and 'role="alert"' in refused.text and "page" in refused.text


async def test_a_replay_fills_a_search_index_that_lost_everything_and_changes_nothing_elsewhere(http, platform) -> None:
    channels = await open_hefei(http, platform)
    doc = await publish(http, platform, channels["zwdt/tzgg"], "关于做好义务教育阶段学校招生工作的通知")
    await platform.settle()
    search = {"q": "义务教育", "site": "hefei"}
    assert (await http.get("/api/v1/search", params=search)).json()["total"] == 1
    async with platform.search.database.engine.begin() as conn:  # search loses its copy of everything
        await conn.execute(text("DELETE FROM entries"))
    await platform.search.deps.engine.write([], [f"document:{doc['id']}"])
    assert (await http.get("/api/v1/search", params=search)).json()["total"] == 0
    editor = bearer(platform, "editor", ("hefei", "editor"))
    assert (await http.post(f"{API}/replay", json={}, headers=editor)).status_code == 403
    operator = bearer(platform, "operator", ("*", "platform_operator"))
    counts = await http.post(f"{API}/replay", json={"site": "hefei"}, headers=operator)
    assert counts.status_code == 200 and counts.json()["documents"] == 1 and counts.json()["sites"] == 1
    await platform.settle()
    found = (await http.get("/api/v1/search", params=search)).json()
    assert [r["url_path"] for r in found["results"]] == [doc["url_path"]]
    page = await http.get(doc["url_path"], headers=HOST)  # the renderer had it: the repeat changed nothing
    assert page.status_code == 200 and doc["title"] in page.text
    assert (await http.post(f"{API}/replay", json={"site": "nowhere"}, headers=operator)).status_code == 404


async def test_the_pages_read_are_counted_for_search(http, platform) -> None:
    channels = await open_hefei(http, platform)
    doc = await publish(http, platform, channels["zwdt/tzgg"], "关于公布2026年度政府网站考评结果的通知")
    await platform.settle()
    for _ in range(3):
        assert (await http.get(doc["url_path"], headers=HOST)).status_code == 200
    await http.get("/zwdt/tzgg/", headers=HOST)  # a list is no document's page
    assert await platform.render.pages.views.flush() == 1
    await platform.settle()
    async with platform.search.database.engine.connect() as conn:
        views = await conn.execute(text("SELECT views FROM entries WHERE key = :k"), {"k": f"document:{doc['id']}"})
        assert views.scalar_one() == 3


async def test_an_attachments_text_is_searchable_with_its_document(http, platform) -> None:
    from docx import Document as WordDocument

    channels = await open_hefei(http, platform)
    word = WordDocument()
    word.add_paragraph("合肥市人才公寓申请表")
    table = word.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "申请人", "工作单位"
    table.cell(1, 0).text, table.cell(1, 1).text = "住房困难情况", "高层次人才认定等级"
    buffer = io.BytesIO()
    word.save(buffer)
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    form = await upload(http, platform, "人才公寓申请表.docx", buffer.getvalue(), docx)
    title = "关于受理人才公寓申请的通知"
    doc = await publish(http, platform, channels["zwdt/tzgg"], title, attachment_ids=[form["id"]])
    await platform.settle()
    found = (await http.get("/api/v1/search", params={"q": "高层次人才认定", "site": "hefei"})).json()
    assert [r["url_path"] for r in found["results"]] == [doc["url_path"]]  # words only the attachment holds


async def test_the_search_page_finds_words_that_only_an_attachment_holds(http, platform) -> None:
    """The group search finds a live document by words that only its file holds."""
    channels = await open_hefei(http, platform)
    guide = "办理住房公积金提取业务时，请携带本人身份证原件和不动产权证书。".encode()
    attachment = await upload(http, platform, "公积金提取办事指南.txt", guide, "text/plain")
    doc = await publish(
        http, platform, channels["zwdt/tzgg"], "关于公积金提取业务的说明", attachment_ids=[attachment["id"]]
    )
    await platform.settle()
    found = await http.get("/search/", params={"q": "不动产权证书"}, headers=HOST)
    assert f'href="{doc["url_path"]}"' in found.text
