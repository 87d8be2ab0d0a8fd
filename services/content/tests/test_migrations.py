"""Migrations that change data, tried on data the service wrote: down to the revision before, and up again."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import text

from services.content.main import SCHEMA, ContentRuntime
from services.content.tests.support import API
from services.content.tests.test_attachments import png, upload


async def test_public_files_are_derived_again_from_what_is_live(app, client, sites, settings) -> None:
    hefei = await sites.open("hefei")
    image = (await upload(client, sites, "hefei", "现场.png", png(400, 300))).json()
    pdf = (await upload(client, sites, "hefei", "附件.pdf", b"%PDF-1.4\n%%EOF")).json()
    await sites.draft(hefei, attachment_ids=[pdf["id"]])  # a draft's file stays private
    await sites.publish(hefei, cover_id=image["id"])
    engine = ContentRuntime.of(app).database.engine
    await SCHEMA.downgrade(settings.database_url, "0002")
    await SCHEMA.upgrade(settings.database_url)
    async with engine.connect() as conn:
        live = (await conn.execute(text("SELECT attachment_id, site_id FROM live_files"))).all()
        ids = dict((await conn.execute(text("SELECT id, public_id FROM attachments"))).all())
    assert live == [(image["id"], "hefei")]
    assert ids[image["id"]] != image["public_id"] and len(set(ids.values())) == 2  # new random public ids
    name = quote("现场.png")
    answer = await client.get(f"{API}/public/files/{ids[image['id']]}/{name}", headers={"host": "www.hefei.gov.cn"})
    assert answer.status_code == 200
