"""Issue 3's proof through the gateway: a document published through the workflow shows up on its article
URL, its channel list, the home page, the sitemap, the RSS feed and the static mirror; withdrawal, 失效 and
gone change exactly what a visitor sees."""

from __future__ import annotations

from urllib.parse import quote, unquote

from tests.test_consolidated import API, bearer, open_hefei, publish

HOST = {"host": "www.hefei.gov.cn"}


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


async def test_an_articles_files_are_linked_by_name_and_copied_into_the_mirror(http, platform) -> None:
    channels = await open_hefei(http, platform)
    editor = bearer(platform, "editor", ("hefei", "editor"))
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"
    name = "合肥市政府网站管理办法（试行）.pdf"
    upload = await http.post(
        f"{API}/sites/hefei/attachments", headers=editor, files={"file": (name, pdf, "application/pdf")}
    )
    assert upload.status_code == 201, upload.text
    doc = await publish(
        http, platform, channels["zwdt/tzgg"], "关于印发政府网站管理办法的通知", attachment_ids=[upload.json()["id"]]
    )
    article = (await http.get(doc["url_path"], headers=HOST)).text
    link = f"/api/v1/content/public/sites/hefei/attachments/{upload.json()['id']}/{quote(name, safe='')}"
    assert f'href="{link}"' in article
    answer = await http.get(link)
    assert answer.status_code == 200 and answer.content == pdf
    assert (await http.get(link.replace("%E5%90%88", "%E5%90%89"))).status_code == 404  # a wrong name
    mirrored = f"sites/hefei/mirror{unquote(link)}"
    assert await platform.render.blobs.get(mirrored) == pdf


async def test_withdrawn_invalid_and_gone_documents_as_visitors_see_them(http, platform) -> None:
    channels = await open_hefei(http, platform)
    admin = bearer(platform, "admin", ("hefei", "site_admin"))
    notice = await publish(http, platform, channels["zwdt/tzgg"], "关于调整政务服务大厅办公时间的通知")
    policy = await publish(http, platform, channels["zfxxgk/fdzdgknr/zcwj"], "合肥市政府网站管理办法")
    gone = await publish(http, platform, channels["zwdt/tzgg"], "关于开展政府网站普查工作的通知")
    docs = f"{API}/sites/hefei/documents"
    withdraw = {"kind": "withdraw", "reason": "办公时间已再次调整"}
    assert (await http.post(f"{docs}/{notice['id']}/unpublish", headers=admin, json=withdraw)).status_code == 200
    invalid = {"validity": "失效", "note": "已被新办法替代"}
    assert (await http.post(f"{docs}/{policy['id']}/validity", headers=admin, json=invalid)).status_code == 200
    remove = {"kind": "gone", "reason": "重复发布"}
    assert (await http.post(f"{docs}/{gone['id']}/unpublish", headers=admin, json=remove)).status_code == 200
    await platform.settle()
    withdrawn = await http.get(notice["url_path"], headers=HOST)
    assert withdrawn.status_code == 200 and "该信息已撤回，原因：办公时间已再次调整" in withdrawn.text
    assert notice["title"] not in (await http.get("/zwdt/tzgg/", headers=HOST)).text
    marked = await http.get(policy["url_path"], headers=HOST)
    assert "本文件已失效" in marked.text and "<td>失效</td>" in marked.text
    removed = await http.get(gone["url_path"], headers=HOST)
    assert removed.status_code == 410 and "该信息已删除" in removed.text
    blobs = platform.render.blobs
    assert not await blobs.exists(f"sites/hefei/mirror{gone['url_path']}")
    assert "本文件已失效" in (await blobs.get(f"sites/hefei/mirror{policy['url_path']}")).decode()
