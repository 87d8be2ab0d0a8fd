"""Where the indexer reads an attachment: the content service's public file route, on the document's own site
host (a search service of its own), or the content library's blob store (in one process with it); a file that
cannot be read is kept with why, never a failure of the batch."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from services.search.models import Entry
from services.search.service import attachments
from services.search.service.attachments import AttachmentReader, PublicFiles, StoredFiles
from shared.blobs.local import LocalBlobStore

GUIDE = "办理住房公积金提取业务时，请携带本人身份证原件和不动产权证书。"
ATTACHMENT = {"public_id": "AbCdEfGhIjKlMnOp", "filename": "公积金提取办事指南.txt", "blob_key": "sites/hefei/files/1",
              "content_type": "text/plain", "size": len(GUIDE.encode())}  # fmt: skip


async def test_public_files_are_asked_of_the_route_on_the_site_host() -> None:
    asked = []

    async def public_file(request) -> Response:  # noqa: ANN001
        asked.append((request.url.path, request.headers["host"]))
        return Response(GUIDE.encode(), media_type="text/plain")

    route = Route("/api/v1/content/public/files/{public_id}/{name}", public_file)
    transport = httpx.ASGITransport(Starlette(routes=[route]))
    reader = AttachmentReader(
        PublicFiles("http://content.internal", transport=transport), max_bytes=1000, max_chars=100
    )
    assert await reader._read(ATTACHMENT, "www.hefei.gov.cn") == (GUIDE, None)
    assert asked == [("/api/v1/content/public/files/AbCdEfGhIjKlMnOp/公积金提取办事指南.txt", "www.hefei.gov.cn")]
    await reader.close()


async def test_stored_files_are_read_by_their_blob_key_and_a_missing_one_is_kept_with_why(tmp_path) -> None:
    blobs = LocalBlobStore(tmp_path / "blobs")
    await blobs.start()
    await blobs.put(ATTACHMENT["blob_key"], GUIDE.encode(), "text/plain")
    reader = AttachmentReader(StoredFiles(blobs), max_bytes=1000, max_chars=100)
    assert await reader._read(ATTACHMENT, "www.hefei.gov.cn") == (GUIDE, None)
    text, problem = await reader._read({**ATTACHMENT, "blob_key": "sites/hefei/files/2"}, "www.hefei.gov.cn")
    assert text == "" and problem and "sites/hefei/files/2" in problem
    too_big = await reader._read({**ATTACHMENT, "size": 5000}, "www.hefei.gov.cn")
    assert too_big == ("", "larger than 1000 bytes")


async def test_a_batch_s_files_are_read_together_within_the_byte_budget(monkeypatch) -> None:
    reading, most = 0, 0

    async def slow_source(attachment: dict, host: str) -> bytes:
        nonlocal reading, most
        reading += 1
        most = max(most, reading)
        await asyncio.sleep(0.05)  # a turn of a busy event loop
        reading -= 1
        return GUIDE.encode()

    slow_source.close = lambda: None  # type: ignore[attr-defined]
    files = [{**ATTACHMENT, "blob_key": f"sites/hefei/files/{n}"} for n in range(4)]
    huge = {**ATTACHMENT, "blob_key": "sites/hefei/files/huge", "size": 10**9}  # not read: no share of the budget
    snapshot = {"site": {"main_domain": "www.hefei.gov.cn"}, "document": {"attachments": [*files, huge]}}
    entries = [Entry(key="document:1", kind="document", state="live", snapshot=snapshot)]
    reader = AttachmentReader(slow_source, max_bytes=1000, max_chars=100)  # type: ignore[arg-type]
    read = await reader.read_missing(entries, known={"sites/hefei/files/3"})
    assert most == 3 and set(read) == {"sites/hefei/files/0", "sites/hefei/files/1", "sites/hefei/files/2",
                                       "sites/hefei/files/huge"}  # fmt: skip
    assert read["sites/hefei/files/0"] == (GUIDE, None) and read["sites/hefei/files/huge"][0] == ""
    monkeypatch.setattr(attachments, "READ_BUDGET", 2 * len(GUIDE.encode()))
    most = 0
    await reader.read_missing(entries, known=set())
    assert most == 2  # two files' bytes at a time
