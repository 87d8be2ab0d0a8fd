"""Blob storage: a local directory or S3, chosen by URL; keys always begin with the site."""

from __future__ import annotations

from shared.blobs.base import BlobNotFound, BlobStore


def create_blob_store(url: str) -> BlobStore:
    """`file://dir` (relative or absolute) or `s3://key:secret@host:port/bucket?secure=false`."""
    if url.startswith("file://"):
        from shared.blobs.local import LocalBlobStore

        return LocalBlobStore(url.removeprefix("file://"))
    if url.startswith("s3://"):
        from shared.blobs.s3 import S3BlobStore

        return S3BlobStore.from_url(url)
    raise ValueError(f"unsupported blob URL {url!r}: use file://dir or s3://…")


__all__ = ["BlobNotFound", "BlobStore", "create_blob_store"]
