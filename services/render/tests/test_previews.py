"""Previews: the staff of a site make a link that shows a draft on the site's theme; anyone with the link sees
it until it expires, on that site only; it is never cached, indexed or published."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from services.render.main import RenderRuntime
from services.render.models import Preview
from services.render.tests.support import site, site_ready

API = "/api/v1/render"
HEFEI = site("hefei", "合肥市人民政府", "3401000001")
FEIXI = site("feixi", "肥西县人民政府", "3401230001")


async def test_a_draft_is_shown_at_its_link_until_the_link_expires(app, api, pages, feeder, tokens) -> None:
    channels = await feeder.open_site(HEFEI)
    await feeder.open_site(FEIXI)
    await site_ready(pages, HEFEI.main_domain)
    draft = feeder.document(HEFEI, (channels["zwdt/tzgg"], "zwdt/tzgg"), "关于做好2027年元旦春节期间安全生产工作的通知")
    body = {"document": draft.model_dump(mode="json"), "hours": 2}
    editor = tokens.bearer("u-editor", ("hefei", "editor"))
    made = await api.post(f"{API}/sites/hefei/previews", json=body, headers=editor)
    assert made.status_code == 201, made.text
    path = made.json()["path"]
    shown = await pages.get(path, headers={"host": HEFEI.main_domain})
    assert shown.status_code == 200 and draft.title in shown.text and "本页尚未发布" in shown.text
    assert shown.headers["cache-control"] == "private, no-store" and "noindex" in shown.headers["x-robots-tag"]
    assert (await pages.get(path, headers={"host": FEIXI.main_domain})).status_code == 404
    async with RenderRuntime.of(app).deps.site_uow("hefei") as uow:
        await uow.session.execute(update(Preview).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        await uow.commit()
    expired = await pages.get(path, headers={"host": HEFEI.main_domain})
    assert expired.status_code == 404 and "预览链接不存在或已过期" in expired.text


async def test_only_the_sites_staff_make_previews_of_its_own_drafts(api, feeder, pages, tokens) -> None:
    channels = await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    draft = feeder.document(HEFEI, (channels["zwdt/tzgg"], "zwdt/tzgg"), "关于做好春运工作的通知")
    body = {"document": draft.model_dump(mode="json")}
    outsider = await api.post(
        f"{API}/sites/hefei/previews", json=body, headers=tokens.bearer("u-x", ("feixi", "editor"))
    )
    assert outsider.status_code == 403
    anonymous = await api.post(f"{API}/sites/hefei/previews", json=body)
    assert anonymous.status_code == 401
    mismatched = await api.post(
        f"{API}/sites/feixi/previews", json=body, headers=tokens.bearer("u-y", ("*", "platform_operator"))
    )
    assert mismatched.status_code in (404, 422)  # feixi is unknown here, or the draft is not feixi's
    too_long = await api.post(
        f"{API}/sites/hefei/previews", json=body | {"hours": 1000}, headers=tokens.bearer("u-e", ("hefei", "editor"))
    )
    assert too_long.status_code == 422 and too_long.json()["error"]["details"][0]["field"] == "body.hours"


async def test_a_site_admin_tries_new_home_blocks_before_saving_them(api, feeder, pages, tokens) -> None:
    await feeder.open_site(HEFEI)
    await site_ready(pages, HEFEI.main_domain)
    theme = {"primary_color": "#1d4f91", "home_blocks": [{"kind": "links", "title": "友情链接", "links": LINKS}]}
    admin = tokens.bearer("u-admin", ("hefei", "site_admin"))
    editor = tokens.bearer("u-editor", ("hefei", "editor"))
    assert (await api.post(f"{API}/sites/hefei/previews", json={"theme": theme}, headers=editor)).status_code == 403
    made = await api.post(f"{API}/sites/hefei/previews", json={"theme": theme}, headers=admin)
    assert made.status_code == 201, made.text
    shown = await pages.get(made.json()["path"], headers={"host": HEFEI.main_domain})
    assert shown.status_code == 200 and "友情链接" in shown.text and "--primary:#1d4f91" in shown.text
    assert '<meta name="robots" content="noindex, nofollow">' in shown.text
    home = await pages.get("/", headers={"host": HEFEI.main_domain})
    assert "友情链接" not in home.text and "#1d4f91" not in home.text  # nothing saved
    nowhere = {"theme": {"home_blocks": [{"kind": "picture_news", "channel": "no/such"}]}}
    refused = await api.post(f"{API}/sites/hefei/previews", json=nowhere, headers=admin)
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["field"] == "home_blocks[0].channel"
    both = await api.post(f"{API}/sites/hefei/previews", json={}, headers=admin)
    assert both.status_code == 422


LINKS = [{"name": "中国政府网", "url": "https://www.gov.cn/"}]
