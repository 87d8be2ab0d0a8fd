"""Uploads are judged by content, size-limited, stored under the site, and served to the public only
once a live document uses them."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

import pytest
from PIL import Image
from sqlalchemy import event

from services.content.main import ContentRuntime
from services.content.tests.support import API


def png(width: int = 1200, height: int = 800) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (179, 0, 12)).save(buffer, "PNG")
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>通知正文</w:document>")
    return buffer.getvalue()


async def upload(client, sites, site_id: str, name: str, data: bytes, content_type: str = "application/octet-stream"):
    return await client.post(
        f"{API}/sites/{site_id}/attachments", headers=sites.editor(site_id), files={"file": (name, data, content_type)}
    )


async def test_images_get_renditions_at_upload(client, sites, app) -> None:
    await sites.open("hefei")
    response = await upload(client, sites, "hefei", "会议现场.png", png(), "image/png")
    assert response.status_code == 201, response.text
    image = response.json()
    assert image["kind"] == "image" and (image["width"], image["height"]) == (1200, 800)
    assert set(image["renditions"]) == {"w320", "w800"}
    small = await client.get(
        f"{API}/sites/hefei/attachments/{image['id']}/content",
        params={"rendition": "w320"},
        headers=sites.editor("hefei"),
    )
    assert small.status_code == 200 and small.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(small.content)).size == (320, 213)
    blobs = ContentRuntime.of(app).blobs
    assert all(key.startswith("sites/hefei/attachments/") for key in image["renditions"].values())
    assert await blobs.exists(next(iter(image["renditions"].values())))


async def test_documents_are_accepted_by_their_bytes(client, sites) -> None:
    await sites.open("hefei")
    word = await upload(client, sites, "hefei", "关于印发实施方案的通知.docx", docx())
    assert word.status_code == 201 and word.json()["content_type"].endswith("wordprocessingml.document")
    pdf = await upload(client, sites, "hefei", "年报.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    assert pdf.status_code == 201 and pdf.json()["filename"] == "年报.pdf"
    download = await client.get(
        f"{API}/sites/hefei/attachments/{pdf.json()['id']}/content", headers=sites.editor("hefei")
    )
    assert download.headers["content-disposition"] == "inline; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf"


async def test_content_that_lies_about_its_name_is_refused(client, sites) -> None:
    await sites.open("hefei")
    exe = await upload(client, sites, "hefei", "通知.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    assert exe.status_code == 415 and "application/x-msdownload" in exe.json()["error"]["message"]
    html = await upload(client, sites, "hefei", "附件.docx", b"<html><script>alert(1)</script></html>")
    assert html.status_code == 415
    empty = await upload(client, sites, "hefei", "空文件.txt", b"")
    assert empty.status_code == 422 and empty.json()["error"]["details"][0]["field"] == "file"
    broken = await upload(client, sites, "hefei", "坏图.png", png()[:200])
    assert broken.status_code == 422 and "无法读取图片" in broken.text


async def test_uploads_are_size_limited(client, sites, settings) -> None:
    await sites.open("hefei")
    too_big = b"a" * (settings.max_upload_bytes + 1)
    response = await upload(client, sites, "hefei", "大文件.txt", too_big)
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"


async def test_covers_must_be_images_of_the_site(client, sites) -> None:
    hefei = await sites.open("hefei")
    pdf = (await upload(client, sites, "hefei", "年报.pdf", b"%PDF-1.4\n%%EOF")).json()
    response = await client.post(
        f"{API}/sites/hefei/documents",
        headers=sites.editor("hefei"),
        json={
            "channel_id": hefei.channels["zwdt/yw"],
            "title": "带封面的新闻稿件",
            "body_html": "<p>正文</p>",
            "cover_id": pdf["id"],
        },
    )
    assert response.status_code == 422 and response.json()["error"]["details"][0]["field"] == "cover_id"
    missing = await client.post(
        f"{API}/sites/hefei/documents",
        headers=sites.editor("hefei"),
        json={
            "channel_id": hefei.channels["zwdt/yw"],
            "title": "附件不存在的稿件",
            "body_html": "<p>正文</p>",
            "attachment_ids": [987654],
        },
    )
    assert missing.status_code == 422 and "987654" in missing.text


async def test_the_public_gets_a_file_only_while_a_live_document_shows_it_on_that_site(client, sites, events) -> None:
    hefei = await sites.open("hefei")
    await sites.open("wuhu")
    image = (await upload(client, sites, "hefei", "现场.png", png(400, 300))).json()
    pdf = (await upload(client, sites, "hefei", "附件.pdf", b"%PDF-1.4\n%%EOF")).json()
    assert len(pdf["public_id"]) >= 22 and pdf["public_id"] != image["public_id"]  # 128 random bits each
    public = f"{API}/public/files/{pdf['public_id']}/{quote('附件.pdf')}"
    on_hefei, on_wuhu = {"host": "www.hefei.gov.cn"}, {"host": "www.wuhu.gov.cn"}
    assert (await client.get(public, headers=on_hefei)).status_code == 404  # a draft's file
    doc = await sites.publish(hefei, cover_id=image["id"], attachment_ids=[pdf["id"]])
    answer = await client.get(public, headers=on_hefei)
    assert answer.status_code == 200 and answer.content == b"%PDF-1.4\n%%EOF"
    assert answer.headers["cache-control"] == "public, max-age=60"
    assert (await client.get(public, headers={"host": "hefei.localhost:8000"})).status_code == 200  # preview host
    assert (await client.get(public, headers=on_wuhu)).status_code == 404  # not shown on 芜湖's site
    by_number = f"{API}/public/sites/hefei/attachments/{pdf['id']}/{quote('附件.pdf')}"
    assert (await client.get(by_number, headers=on_hefei)).status_code == 404  # no path counts files
    assert (await client.get(public.replace(quote("附件"), quote("别的")), headers=on_hefei)).status_code == 404
    [event] = await events.wait_for("content.document.published.v1")
    snapshot = event.data["document"]
    assert snapshot["cover"]["public_id"] == image["public_id"] and snapshot["attachments"][0]["filename"] == "附件.pdf"
    rendition = snapshot["cover"]["renditions"]["w320"].rsplit("/", 1)[-1]
    cover = await client.get(f"{API}/public/files/{image['public_id']}/r/{rendition}", headers=on_hefei)
    assert cover.status_code == 200 and cover.headers["content-type"] == "image/jpeg"
    withdraw = {"kind": "withdraw", "reason": "附件有误"}
    taken = await client.post(
        f"{API}/sites/hefei/documents/{doc['id']}/unpublish", json=withdraw, headers=sites.admin("hefei")
    )
    assert taken.status_code == 200
    assert (await client.get(public, headers=on_hefei)).status_code == 404  # down with its document
    staff = await client.get(f"{API}/sites/hefei/attachments/{pdf['id']}/content", headers=sites.editor("hefei"))
    assert staff.status_code == 200  # its site's staff still have it


@pytest.mark.embedded_only
async def test_a_public_file_is_found_through_its_documents_not_every_placement_of_the_site(client, sites, app) -> None:
    """SQLite's plan for a public file: the file, its live documents, their placement on the site — never a walk of
    the site's placements (at 100,000 documents that walk was 25 ms a request)."""
    hefei = await sites.open("hefei")
    pdf = (await upload(client, sites, "hefei", "附件.pdf", b"%PDF-1.4\n%%EOF")).json()
    await sites.publish(hefei, attachment_ids=[pdf["id"]])
    engine = ContentRuntime.of(app).deps.database.engine.sync_engine
    seen: list[tuple[str, tuple]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        if "live_files" in statement and "attachments.public_id" in statement:
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        public = f"{API}/public/files/{pdf['public_id']}/{quote('附件.pdf')}"
        assert (await client.get(public, headers={"host": "www.hefei.gov.cn"})).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    [(statement, parameters)] = seen
    async with ContentRuntime.of(app).deps.database.engine.connect() as connection:
        plan = (await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)).all()
    steps = " ".join(str(step[-1]) for step in plan)
    assert "ix_placements_document_id" in steps and "ix_placements_site_id" not in steps, steps
