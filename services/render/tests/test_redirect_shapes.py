"""Pages look the redirect table up only for keys it may hold; keys written later are looked up from then on."""

from __future__ import annotations

from services.render.service.redirect_shapes import RedirectShape, RedirectShapes
from services.render.tests.support import eventually, site, site_ready
from shared.events.transition import Redirect, UrlMapChanged


def test_a_shape_knows_the_hosts_and_whether_any_key_has_none() -> None:
    shape = RedirectShape()
    assert not shape and not shape.may_have("/a.html") and not shape.may_have("//old.gov.cn/a.html")
    shape.add(["//old.gov.cn/a.html?id=1", "//other.gov.cn?x=1"])
    assert shape and shape.may_have("//old.gov.cn/b.html") and shape.may_have("//other.gov.cn/")
    assert not shape.may_have("//www.gov.cn/a.html") and not shape.may_have("/a.html")
    shape.add(["/content.jsp?id=12"])
    assert shape.may_have("/anything.html")


def test_keys_written_while_the_table_was_read_are_kept() -> None:
    shapes = RedirectShapes()
    shapes.written("feixi", ["//www.feixi.gov.cn/old.html"])  # committed after the read began
    shape = shapes.install("feixi", RedirectShape())
    assert shape.may_have("//www.feixi.gov.cn/x.html")
    shapes.written("feixi", ["/admin.html"])
    assert shapes.get("feixi").may_have("/y.html")


async def test_a_site_migrated_onto_its_own_domain_redirects_its_old_addresses(pages, feeder) -> None:
    feixi = site("feixi", "肥西县人民政府", "3401230001")
    await feeder.open_site(feixi)
    await site_ready(pages, feixi.main_domain)
    main = {"host": feixi.main_domain}
    assert (await pages.get("/art/2020/old.html", headers=main)).status_code == 404
    target = "/zwdt/202003/t20200317_6.html"
    redirects = [Redirect(legacy_key=f"//{feixi.main_domain}/art/2020/old.html", target=target)]
    await feeder.send(UrlMapChanged(site_id="feixi", aggregate_id="7", aggregate_version=1, redirects=redirects))

    async def mapped() -> bool:
        moved = await pages.get("/art/2020/old.html", headers=main)
        return moved.status_code == 301 and moved.headers["location"].endswith(target)

    await eventually(mapped, timeout=20)
    assert (await pages.get("/art/2020/other.html", headers=main)).status_code == 404


async def test_a_key_mapped_again_answers_its_new_target(pages, feeder) -> None:
    feixi = site("feixi", "肥西县人民政府", "3401230001", domains=("old.feixi.gov.cn",))
    await feeder.open_site(feixi)
    await site_ready(pages, feixi.main_domain)
    legacy = {"host": "old.feixi.gov.cn"}
    for version, target in enumerate(("/zwdt/a.html", "/zwdt/b.html", None), start=1):
        redirects = [Redirect(legacy_key="//old.feixi.gov.cn/art/1.html", target=target)]
        changed = UrlMapChanged(site_id="feixi", aggregate_id="7", aggregate_version=version, redirects=redirects)
        await feeder.send(changed)

        async def answered(target: str | None = target) -> bool:
            page = await pages.get("/art/1.html", headers=legacy)
            if target is None:
                return page.status_code == 410
            return page.status_code == 301 and page.headers["location"].endswith(target)

        await eventually(answered, timeout=20)
