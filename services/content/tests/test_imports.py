"""Migrated documents: a staged legacy page becomes a live document with its original date, its 索引号 and its
files; a re-run updates instead of copying; what cannot be kept is refused with a reason and leaves nothing."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from services.content.main import ContentRuntime
from services.content.tests.support import API
from shared.events.content import DOCUMENTS_TOPIC, SITES_TOPIC, DocumentPublished
from shared.events.samples import eventually, message
from shared.events.transition import (
    IMPORTS_TOPIC,
    DocumentImported,
    ImportRefused,
    LegacyDocument,
    LegacyDocumentStaged,
    LegacyDomainsClaimed,
    LegacyFile,
)
from shared.testing import EventLog

pytestmark = pytest.mark.asyncio
PDF = b"%PDF-1.4\n% \xe5\x85\xac\xe5\x91\x8a\n%%EOF\n"
LEGACY = "http://www.feixi.gov.cn/content/detail/5f8e9a.html"
FILE_URL = "http://www.feixi.gov.cn/u/cms/feixi/202003/公告.pdf"


@pytest.fixture
def imports(app) -> EventLog:
    log = EventLog()
    ContentRuntime.of(app).bus.subscribe("tests.imports", [IMPORTS_TOPIC, SITES_TOPIC, DOCUMENTS_TOPIC], log.handle)
    return log


def staged(
    channel_id: int, *, title: str = "肥西县2020年春季农业生产工作意见", run: int = 1, **extra
) -> LegacyDocumentStaged:
    fields = {
        "legacy_key": "/content/detail/5f8e9a.html",
        "legacy_url": LEGACY,
        "channel_id": channel_id,
        "title": title,
        "body_html": f'<p>各乡镇人民政府：现将春季农业生产工作意见印发给你们。</p><p><a href="{FILE_URL}">附件</a></p>',
        "published_at": datetime(2020, 3, 17, 1, 30, tzinfo=UTC),
        "source": "肥西县农业农村局",
        "index_number": "003275128/2020-00042",
        "document_number": "肥政办〔2020〕7号",
        "issuing_body": "肥西县人民政府办公室",
        "files": [],
    } | extra
    fields["fingerprint"] = hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()
    return LegacyDocumentStaged(
        site_id="feixi", aggregate_id=fields["legacy_key"], aggregate_version=run, job_id=7,
        document=LegacyDocument(**fields), publish=True, editor="migration:7",
    )  # fmt: skip


async def test_a_staged_page_becomes_a_live_document_of_its_original_date(imports, client, sites, app) -> None:
    feixi = await sites.open("feixi")
    bus, blobs = ContentRuntime.of(app).bus, ContentRuntime.of(app).blobs
    key = "sites/feixi/migration/files/ab/abcdef.pdf"
    await blobs.put(key, PDF, "application/pdf")
    pdf = LegacyFile(legacy_url=FILE_URL, blob_key=key, filename="公告.pdf", media_type="application/pdf",
                     size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest())  # fmt: skip
    first = staged(feixi.channels["zwdt/tzgg"], files=[pdf])
    sent = message(first)
    await bus.publish_batch([sent])
    [answer] = await imports.wait_for(DocumentImported.type, timeout=20)
    assert answer.data["url_path"].startswith("/zwdt/tzgg/202003/t20200317_")
    assert answer.data["changed"] is True
    [published] = await imports.wait_for(DocumentPublished.type, timeout=20)  # its files read with its batch's
    assert [(a["filename"], a["size"]) for a in published.data["document"]["attachments"]] == [("公告.pdf", len(PDF))]

    doc = (
        await client.get(f"{API}/sites/feixi/documents/{answer.data['document_id']}", headers=sites.admin("feixi"))
    ).json()
    assert doc["index_number"] == "003275128/2020-00042"
    assert doc["published_at"].startswith("2020-03-17T01:30")
    assert doc["created_by"] == "migration:7" and doc["public_state"] == "live"
    assert FILE_URL not in doc["body_html"] and "/files/" in doc["body_html"]
    link = doc["body_html"].split('href="')[1].split('"')[0]
    got = await client.get(f"{API}/public/files/{link.removeprefix('/files/')}", headers={"host": "www.feixi.gov.cn"})
    assert got.status_code == 200 and got.content == PDF

    await bus.publish_batch([sent])  # redelivered, and the same page staged again by a re-run
    await bus.publish_batch([message(staged(feixi.channels["zwdt/tzgg"], files=[pdf], run=2))])
    answers = await imports.wait_for(DocumentImported.type, count=2, timeout=20)
    assert answers[1].data["changed"] is False and answers[1].data["document_id"] == doc["id"]
    changed = staged(feixi.channels["zwdt/tzgg"], files=[pdf], run=3, title="肥西县2020年春季农业生产工作意见（修订）")
    await bus.publish_batch([message(changed)])
    answers = await imports.wait_for(DocumentImported.type, count=3, timeout=20)
    assert answers[2].data["changed"] is True and list(answers[2].data["files"]) == [FILE_URL]
    assert answers[2].data["url_path"] == answer.data["url_path"]
    listed = (await client.get(f"{API}/sites/feixi/documents", headers=sites.admin("feixi"))).json()
    assert [d["title"] for d in listed["items"]] == ["肥西县2020年春季农业生产工作意见（修订）"]


async def test_what_cannot_be_kept_is_refused_with_a_reason_and_leaves_nothing(imports, client, sites, app) -> None:
    feixi = await sites.open("feixi")
    bus = ContentRuntime.of(app).bus
    missing = LegacyFile(legacy_url=FILE_URL, blob_key="sites/feixi/migration/files/00/none.pdf", filename="公告.pdf",
                         media_type="application/pdf", size=10, sha256="0" * 64)  # fmt: skip
    foreign = missing.model_copy(update={"blob_key": "sites/hefei/migration/files/00/x.pdf"})
    await bus.publish_batch(
        [
            message(staged(feixi.channels["zwdt/tzgg"], files=[missing])),
            message(staged(feixi.channels["zwdt/tzgg"], legacy_key="/a.html", files=[foreign])),
            message(staged(999_999, legacy_key="/b.html")),
            message(staged(feixi.channels["zwdt/tzgg"], legacy_key="/c.html", title="标" * 201)),
        ]
    )
    refused = await imports.wait_for(ImportRefused.type, count=4, timeout=20)
    reasons = {r.data["legacy_key"]: r.data["reason"] for r in refused}  # each key on its own partition
    assert "尚未存入" in reasons["/content/detail/5f8e9a.html"] and "不在本站点" in reasons["/a.html"]
    assert "栏目 999999" in reasons["/b.html"] and reasons["/c.html"].startswith("title：")
    listed = (await client.get(f"{API}/sites/feixi/documents", headers=sites.admin("feixi"))).json()
    assert listed["items"] == []


async def test_a_jobs_legacy_domains_become_the_sites_other_domains(imports, client, sites, app) -> None:
    await sites.chain("hefei", "feixi")
    bus = ContentRuntime.of(app).bus
    claim = LegacyDomainsClaimed(site_id="feixi", aggregate_id="7", aggregate_version=1, job_id=7,
                                 domains=["old.feixi.gov.cn", "WWW.HEFEI.GOV.CN"], editor="migration:7")  # fmt: skip
    await bus.publish_batch([message(claim)])

    async def attached() -> bool:
        site = (await client.get(f"{API}/sites/feixi", headers=sites.admin("feixi"))).json()
        return "old.feixi.gov.cn" in site["domains"]

    await eventually(attached, timeout=20)
    site = (await client.get(f"{API}/sites/feixi", headers=sites.admin("feixi"))).json()
    assert "www.hefei.gov.cn" not in site["domains"]  # another site's host stays with it
    resolved = (await client.get(f"{API}/hosts/old.feixi.gov.cn")).json()
    assert resolved["site_id"] == "feixi" and resolved["is_main"] is False
