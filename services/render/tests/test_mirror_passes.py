"""A mirror pass writes the pages a change reaches: a document's, its lists', the home and sitemap.xml — not the
sitemap.html or robots.txt, which no document changes (a change to the site rewrites every page)."""

from __future__ import annotations

from services.render.main import RenderRuntime
from services.render.tests.support import eventually, site, site_ready

HEFEI = site("hefei", "合肥市人民政府", "3401000001", domains=("hefei.gov.cn",))


async def test_a_documents_pass_leaves_the_pages_no_document_changes(app, pages, feeder) -> None:
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    mirror = RenderRuntime.of(app).mirror
    await mirror.drain()
    doc = feeder.document(HEFEI, (channels["zwdt/tzgg"], "zwdt/tzgg"), "关于加强政府网站内容保障工作的通知")
    await feeder.publish(doc)

    async def shown() -> bool:
        return (await pages.get(doc.url_path)).status_code == 200

    await eventually(shown)
    await mirror.drain()
    tags = {f"doc:{doc.id}", "list:hefei:zwdt", "list:hefei:zwdt/tzgg", "entries:hefei"}
    paths = await mirror.paths_for("hefei", tags)
    assert {"/", "/sitemap.xml", doc.url_path, "/zwdt/tzgg/", "/zwdt/"} <= paths
    assert "/sitemap.html" not in paths and "/robots.txt" not in paths
    assert {"/", "/sitemap.html", "/sitemap.xml", "/robots.txt"} <= await mirror.paths_for("hefei", {"site:hefei"})
