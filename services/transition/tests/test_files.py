"""Legacy files into the blob store: copied once per content however many links lead to them, named as their
site named them, typed by their bytes, and refused with a reason when missing, too large or a page in disguise."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from services.transition.sources.files import CopiedFile, FileCopier, FileProblem
from services.transition.sources.http11 import Http11Transport
from services.transition.tests.legacy_site import legacy_site
from shared.blobs import create_blob_store
from shared.testing import serve_on_port


@pytest.mark.parametrize("own_http", [False, True], ids=["httpx", "crawl-http11"])
async def test_files_are_copied_once_and_refused_with_reasons(tmp_path: Path, own_http: bool) -> None:
    """Through httpx's client (the tests' transports) and through the crawl's own HTTP/1.1, alike."""
    blobs = create_blob_store(f"file://{tmp_path / 'blobs'}")
    app, _ = legacy_site(30)
    transport = Http11Transport() if own_http else None
    with serve_on_port(app) as base:
        async with httpx.AsyncClient(transport=transport) as client:
            copier = FileCopier(client, blobs, "feixi", max_bytes=1024, transport=transport)
            first = await copier.copy(f"{base}/u/10.pdf")
            again = await copier.copy(f"{base}/u/10.pdf?from=list")
            other = await copier.copy(f"{base}/u/20.pdf")
            missing = await copier.copy(f"{base}/u/readme.txt")
            disguised = await copier.copy(f"{base}/u/withdrawn.doc")
            elsewhere = create_blob_store(f"file://{tmp_path / 'elsewhere'}")
            roomy = FileCopier(client, elsewhere, "feixi", max_bytes=1 << 20, transport=transport)
            moved = await roomy.copy(f"{base}/old/tzgg.html")  # a 301, followed to the list page it names
            small = await FileCopier(client, blobs, "feixi", max_bytes=8, transport=transport).copy(f"{base}/u/30.pdf")
    assert isinstance(first, CopiedFile) and first.media_type == "application/pdf" and first.filename == "10.pdf"
    assert first.blob_key.startswith("sites/feixi/migrated/") and first.blob_key.endswith(".pdf")
    assert isinstance(again, CopiedFile) and again.blob_key == first.blob_key  # the same bytes, stored once
    assert isinstance(other, CopiedFile) and other.blob_key != first.blob_key
    assert (await blobs.get(first.blob_key)).startswith(b"%PDF-1.4 /u/10.pdf")
    assert missing == FileProblem(f"{base}/u/readme.txt", "原站返回 404")
    assert isinstance(disguised, FileProblem) and "网页而不是文件" in disguised.reason
    assert isinstance(moved, CopiedFile) and moved.media_type == "text/html" and moved.size > 1000
    assert small == FileProblem(f"{base}/u/30.pdf", "文件超过 0 MB")
    stored = sorted(p.name for p in (tmp_path / "blobs").rglob("*") if p.is_file())
    assert len(stored) == 2  # 10.pdf once, 20.pdf; nothing of the refused ones


async def test_a_file_past_what_is_held_in_memory_goes_through_a_temporary_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("services.transition.sources.files.HELD_IN_MEMORY", 10)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))  # where the spilled download is written, then removed
    blobs = create_blob_store(f"file://{tmp_path / 'blobs'}")
    monkeypatch.setattr(blobs, "put", None)  # not kept from memory: copied in from the file
    app, _ = legacy_site(30)
    with serve_on_port(app) as base:
        async with httpx.AsyncClient() as client:
            copied = await FileCopier(client, blobs, "feixi", max_bytes=1024).copy(f"{base}/u/20.pdf")
    assert isinstance(copied, CopiedFile) and copied.media_type == "application/pdf" and copied.size > 10
    assert await blobs.get(copied.blob_key) == b"%PDF-1.4 /u/20.pdf %%EOF"
    assert not list(tmp_path.glob("migration-file-*"))


def test_names_come_from_the_path_or_the_download_scripts_parameter() -> None:
    from services.transition.sources.files import filename_of

    assert filename_of("http://old.feixi.gov.cn/u/%E7%94%B3%E8%AF%B7%E8%A1%A8.docx") == "申请表.docx"
    assert (
        filename_of("http://old.feixi.gov.cn/module/download/downfile.jsp?classid=0&filename=2603011.pdf")
        == "2603011.pdf"
    )
