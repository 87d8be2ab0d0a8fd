"""A run of staged documents imported together (the consumer's batch): each one answered as if it came alone —
files adopted once, a refused one leaving nothing, a key staged twice updated, no 索引号 given twice — with
each read and write done once for the run, not once per document."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from services.content.consumers import IMPORTS_GROUP
from services.content.main import ContentRuntime
from services.content.tests.support import API
from services.content.tests.test_imports import staged
from shared.events.content import DocumentPublished
from shared.events.samples import message
from shared.events.transition import IMPORTS_TOPIC, DocumentImported, ImportRefused, LegacyFile
from shared.testing import EventLog

pytestmark = pytest.mark.asyncio


@pytest.fixture
def imports(app) -> EventLog:
    log = EventLog()
    ContentRuntime.of(app).bus.subscribe("tests.imports", [IMPORTS_TOPIC], log.handle)
    return log


def consumer_of(app):
    """The content library's import consumer, to hand it a batch directly (as the bus does)."""
    return next(s.handler for s in ContentRuntime.of(app).bus.subscriptions if s.group == IMPORTS_GROUP)


async def stored_file(app, name: str) -> LegacyFile:
    data = f"%PDF-1.4 {name}".encode()
    key = f"sites/feixi/migration/files/{name}.pdf"
    await ContentRuntime.of(app).blobs.put(key, data, "application/pdf")
    url, digest = f"http://www.feixi.gov.cn/u/{name}.pdf", hashlib.sha256(data).hexdigest()
    return LegacyFile(legacy_url=url, blob_key=key, filename=f"{name}.pdf", media_type="application/pdf",
                      size=len(data), sha256=digest)  # fmt: skip


def page(channel: int, n: int, **extra) -> object:
    files = extra.get("files", [])
    links = "".join(f'<p><a href="{f.legacy_url}">附件</a></p>' for f in files)
    fields = {"legacy_key": f"/p/{n}.html", "title": f"第{n}号通知", "index_number": None,
              "published_at": datetime(2020, 3, 17, tzinfo=UTC) + timedelta(hours=n),
              "body_html": f"<p>第{n}号通知正文。</p>{links}"}  # fmt: skip
    return staged(channel, **(fields | extra))


async def test_a_batch_is_answered_document_by_document_as_if_each_came_alone(
    imports, events, client, sites, app
) -> None:
    feixi = await sites.open("feixi")
    channel = feixi.channels["zwdt/tzgg"]
    shared_pdf, own_pdf = await stored_file(app, "shared"), await stored_file(app, "own")
    missing = (await stored_file(app, "x")).model_copy(update={"blob_key": "sites/feixi/migration/files/none.pdf"})
    generated_first = "003275128/2020-00001"  # what the site's counter gives a document without a 索引号 first
    batch = [
        page(channel, 1, files=[shared_pdf]),
        page(channel, 2, files=[shared_pdf]),
        page(channel, 3, files=[own_pdf, missing]),  # refused: its good file must not be adopted either
        page(channel, 4),
        page(channel, 5, index_number=generated_first),
        page(channel, 1, files=[shared_pdf], title="第1号通知（修订）", run=2),  # the same key again
    ]
    await consumer_of(app).handle_batch([message(e) for e in batch])

    answers = await imports.wait_for(DocumentImported.type, count=5, timeout=20)
    [refused] = await imports.wait_for(ImportRefused.type, timeout=20)
    assert refused.data["legacy_key"] == "/p/3.html" and "尚未存入" in refused.data["reason"]
    by_key = {}
    for answer in answers:
        by_key.setdefault(answer.data["legacy_key"], []).append(answer.data)
    assert [a["changed"] for a in by_key["/p/1.html"]] == [True, True]
    assert by_key["/p/1.html"][0]["document_id"] == by_key["/p/1.html"][1]["document_id"]
    assert by_key["/p/1.html"][0]["files"] == by_key["/p/2.html"][0]["files"]  # one attachment for one content

    admin = sites.admin("feixi")
    listed = (await client.get(f"{API}/sites/feixi/documents", params={"size": 50}, headers=admin)).json()["items"]
    assert sorted(d["title"] for d in listed) == ["第1号通知（修订）", "第2号通知", "第4号通知", "第5号通知"]
    key_of = {a[0]["document_id"]: key for key, a in by_key.items()}
    docs = {key_of[d["id"]]: await document(client, admin, d["id"]) for d in listed}
    assert docs["/p/5.html"]["index_number"] == generated_first  # a legacy 索引号 is kept when free
    numbers = [d["index_number"] for d in docs.values()]
    assert len(set(numbers)) == 4 and all(numbers)
    assert docs["/p/1.html"]["revision"] == 2 and docs["/p/1.html"]["public_state"] == "live"
    assert docs["/p/1.html"]["attachment_ids"] == docs["/p/2.html"]["attachment_ids"]
    assert shared_pdf.legacy_url not in docs["/p/2.html"]["body_html"]
    published = await events.wait_for(DocumentPublished.type, count=4, timeout=20)
    assert {p.data["document"]["id"] for p in published} == {d["id"] for d in docs.values()}
    assert len(await attachments_of(app)) == 1  # neither own.pdf (its page was refused) nor a second shared.pdf


async def document(client, admin: dict, doc_id: int) -> dict:
    return (await client.get(f"{API}/sites/feixi/documents/{doc_id}", headers=admin)).json()


async def attachments_of(app) -> list:
    from sqlalchemy import text

    async with ContentRuntime.of(app).database.engine.connect() as conn:
        return list(await conn.execute(text("SELECT blob_key FROM attachments")))


async def test_a_batch_of_new_documents_is_written_in_a_few_statements_not_a_few_per_document(
    client, sites, app
) -> None:
    feixi = await sites.open("feixi")
    channel = feixi.channels["zwdt/tzgg"]
    pdf = await stored_file(app, "list")
    batch = [page(channel, n, files=[pdf] if n % 10 == 0 else [], index_number=None) for n in range(50)]
    engine = ContentRuntime.of(app).database.engine.sync_engine
    task, statements = asyncio.current_task(), []

    def count(_conn, _cursor, statement, *_args) -> None:
        if asyncio.current_task() is task:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        await consumer_of(app).handle_batch([message(e) for e in batch])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # One by one it took 7 per document (350); each statement now serves the whole batch.
    assert len(statements) <= 25, "\n".join(statements)
    listed = (await client.get(f"{API}/sites/feixi/documents", params={"size": 1}, headers=sites.admin("feixi"))).json()
    assert listed["total"] == 50
