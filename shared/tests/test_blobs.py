"""Blob stores: the same contract on a local directory and on S3 (SG_TEST_BLOB_URL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.blobs import BlobNotFound, BlobStore, create_blob_store
from shared.blobs.local import LocalBlobStore
from shared.blobs.s3 import S3BlobStore
from shared.tests.conftest import BACKENDS, needs_s3

PDF = "%PDF-1.7\n合肥市人民政府办公室关于印发通知的附件\n".encode() + bytes(range(256)) * 40


@pytest.fixture(
    params=[
        pytest.param("local", marks=pytest.mark.embedded_only),
        pytest.param("s3", marks=[needs_s3, pytest.mark.real_backends]),
    ]
)
async def store(request, tmp_path: Path) -> AsyncIterator[BlobStore]:
    store = create_blob_store(f"file://{tmp_path / 'blobs'}" if request.param == "local" else BACKENDS.blob_url)
    await store.start()
    yield store
    await store.stop()


@pytest.fixture
def prefix() -> str:
    """Keys of their own per test, so tests sharing the S3 bucket never meet."""
    return f"sites/hefei/attachments/2026/11/{uuid.uuid4().hex}"


async def test_put_get_exists_delete_round_trip(store: BlobStore, prefix: str) -> None:
    key = f"{prefix}/附件.pdf"
    assert not await store.exists(key)
    await store.put(key, PDF, "application/pdf")
    assert await store.exists(key) and await store.get(key) == PDF
    await store.put(key, "第二版".encode(), "text/plain; charset=utf-8")  # overwrite replaces
    assert await store.get(key) == "第二版".encode()
    await store.put(f"{prefix}/空文件.txt", b"", "text/plain")
    assert await store.get(f"{prefix}/空文件.txt") == b""
    await store.delete(key)
    await store.delete(f"{prefix}/空文件.txt")
    assert not await store.exists(key)
    await store.delete(key)  # deleting what is gone is not an error
    assert await store.ping()


async def test_blobs_put_together_are_each_kept_whole(store: BlobStore, prefix: str) -> None:
    pages = {f"{prefix}/zwdt/t2024010{n}_{n}.html": f"<h1>第{n}号通知</h1>".encode() * (n + 1) for n in range(5)}
    await store.put_many([(key, body, "text/html") for key, body in pages.items()])
    assert {key: await store.get(key) for key in pages} == pages
    await store.put_many([])  # nothing to write is not an error
    with pytest.raises(ValueError, match="bad blob key"):
        await store.put_many([(f"{prefix}/a.html", b"x", "text/html"), ("../escape.html", b"x", "text/html")])
    for key in [*pages, f"{prefix}/a.html"]:
        await store.delete(key)


async def test_files_go_in_and_out_streamed(store: BlobStore, prefix: str, tmp_path: Path) -> None:
    source = tmp_path / "人口.csv"
    source.write_bytes("地区,年份,常住人口（万人）\n".encode() + "合肥市,2025,1000.2\n".encode() * 50_000)
    key = f"{prefix}/人口.csv"
    await store.put_file(key, source, "text/csv")
    copy = tmp_path / "copy.csv"
    await store.get_file(key, copy)
    assert copy.read_bytes() == source.read_bytes() == await store.get(key)
    with pytest.raises(BlobNotFound):
        await store.get_file(f"{prefix}/没有.csv", tmp_path / "none.csv")
    await store.delete(key)


async def test_a_missing_blob_raises_blob_not_found(store: BlobStore, prefix: str) -> None:
    with pytest.raises(BlobNotFound) as raised:
        await store.get(f"{prefix}/不存在.pdf")
    assert isinstance(raised.value, KeyError) and raised.value.args == (f"{prefix}/不存在.pdf",)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "/etc/passwd",
        "sites/hefei/../wuhu/a.pdf",
        "..",
        "sites//a.pdf",
        "./a.pdf",
        "sites/hefei/",
        "sites\\hefei\\a.pdf",
        "sites/./a.pdf",
    ],
)
async def test_bad_keys_are_refused_by_every_operation(store: BlobStore, key: str) -> None:
    for operation in (store.put(key, b"x", "text/plain"), store.get(key), store.exists(key), store.delete(key)):
        with pytest.raises(ValueError, match="bad blob key"):
            await operation


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("local", marks=pytest.mark.embedded_only),
        pytest.param("s3", marks=[needs_s3, pytest.mark.real_backends]),
    ],
)
async def test_getting_a_prefix_of_other_keys_is_blob_not_found(kind: str, tmp_path: Path) -> None:
    store = create_blob_store(f"file://{tmp_path / 'blobs'}" if kind == "local" else BACKENDS.blob_url)
    await store.start()
    prefix = f"sites/hefei/attachments/{uuid.uuid4().hex}"
    await store.put(f"{prefix}/a.pdf", b"x", "application/pdf")
    try:
        assert not await store.exists(prefix)
        with pytest.raises(BlobNotFound):
            await store.get(prefix)
    finally:
        await store.delete(f"{prefix}/a.pdf")


# --- the local store ------------------------------------------------------------------------------------


@pytest.mark.embedded_only
async def test_local_writes_are_atomic_and_leave_no_temp_files(tmp_path: Path, monkeypatch) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    await store.start()
    key = "sites/hefei/attachments/2026/11/x/附件.pdf"
    await store.put(key, PDF, "application/pdf")
    folder = tmp_path / "blobs/sites/hefei/attachments/2026/11/x"
    assert sorted(p.name for p in folder.iterdir()) == ["附件.pdf"]

    def crash(*_args: object) -> None:
        raise OSError("磁盘已满")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="磁盘已满"):
        await store.put(key, b"half-written", "application/pdf")
    monkeypatch.undo()
    assert await store.get(key) == PDF  # the old version is intact…
    assert sorted(p.name for p in folder.iterdir()) == ["附件.pdf"]  # …and the temp file is gone


@pytest.mark.embedded_only
async def test_local_store_refuses_a_symlink_out_of_its_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("机密")
    store = LocalBlobStore(tmp_path / "blobs")
    await store.start()
    (tmp_path / "blobs" / "sites").mkdir()
    (tmp_path / "blobs" / "sites" / "hefei").symlink_to(outside)
    with pytest.raises(ValueError, match="bad blob key"):
        await store.get("sites/hefei/secret.txt")
    with pytest.raises(ValueError):
        await store.put("sites/hefei/new.txt", b"x", "text/plain")
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


# --- URLs -------------------------------------------------------------------------------------------------


@pytest.mark.embedded_only
def test_create_blob_store_parses_urls(tmp_path: Path) -> None:
    local = create_blob_store(f"file://{tmp_path}/blobs")
    assert isinstance(local, LocalBlobStore) and local.root == (tmp_path / "blobs").resolve()
    relative = create_blob_store("file://var/blobs")
    assert relative.root == (Path.cwd() / "var/blobs").resolve()

    s3 = create_blob_store("s3://AK%2Fid:se%40cret@minio.internal:9000/sitegroup-blobs?secure=false&region=cn-east-1")
    assert isinstance(s3, S3BlobStore) and s3.bucket == "sitegroup-blobs"
    credentials = s3.client._provider.retrieve()
    assert (credentials.access_key, credentials.secret_key) == ("AK/id", "se@cret")
    assert s3.client._base_url.host == "minio.internal:9000" and not s3.client._base_url.is_https
    secure = create_blob_store("s3://k:s@s3.example.cn/b")
    assert secure.client._base_url.is_https and secure.client._base_url.host == "s3.example.cn"


@pytest.mark.embedded_only
@pytest.mark.parametrize(
    "url",
    [
        "s3://k:s@host:9000/",
        "s3://k:s@host:9000",
        "s3:///bucket",
        "ftp://host/bucket",
        "minio://k:s@host/b",
        "var/blobs",
        "s3://k:s@host:port/b",
    ],
)
def test_create_blob_store_refuses_bad_urls(url: str) -> None:
    with pytest.raises(ValueError):
        create_blob_store(url)


@needs_s3
@pytest.mark.real_backends
async def test_s3_start_creates_a_missing_bucket() -> None:
    store = S3BlobStore.from_url(BACKENDS.blob_url)
    store.bucket = f"sgt-{uuid.uuid4().hex[:12]}"
    await store.start()
    try:
        assert await store.ping()
        await store.start()  # again: the bucket is there, nothing to do
        await store.put("sites/hefei/a.txt", "内容".encode(), "text/plain")
        assert await store.get("sites/hefei/a.txt") == "内容".encode()
    finally:
        await store.delete("sites/hefei/a.txt")
        store.client.remove_bucket(store.bucket)
