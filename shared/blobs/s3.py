"""Blobs in S3 (MinIO, SeaweedFS, AWS) through the minio client, run in worker threads."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from minio import Minio
from minio.error import S3Error

from shared.blobs.base import Blob, BlobNotFound, BlobStore, check_key


class S3BlobStore(BlobStore):
    def __init__(self, client: Minio, bucket: str) -> None:
        self.client = client
        self.bucket = bucket

    @classmethod
    def from_url(cls, url: str) -> S3BlobStore:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        secure = query.get("secure", ["true"])[0].lower() not in {"false", "0", "no"}
        bucket = parts.path.strip("/")
        if not bucket or not parts.hostname:
            raise ValueError(f"S3 URL needs a host and a bucket: {url!r}")
        client = Minio(
            f"{parts.hostname}:{parts.port or (443 if secure else 80)}",
            access_key=unquote(parts.username or ""),
            secret_key=unquote(parts.password or ""),
            secure=secure,
            region=query.get("region", ["us-east-1"])[0],
        )
        return cls(client, bucket)

    async def start(self) -> None:
        def ensure() -> None:
            if not self.client.bucket_exists(self.bucket):
                try:
                    self.client.make_bucket(self.bucket)
                except S3Error as exc:
                    if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                        raise

        await asyncio.to_thread(ensure)

    async def stop(self) -> None:
        return None

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object, self.bucket, check_key(key), io.BytesIO(data), len(data), content_type
        )

    async def put_many(self, blobs: Sequence[Blob]) -> None:
        def put_all() -> None:
            for key, data, content_type in blobs:
                self.client.put_object(self.bucket, check_key(key), io.BytesIO(data), len(data), content_type)

        if blobs:
            await asyncio.to_thread(put_all)

    async def get(self, key: str) -> bytes:
        def read() -> bytes:
            try:
                response = self.client.get_object(self.bucket, check_key(key))
            except S3Error as exc:
                if exc.code in {"NoSuchKey", "NoSuchObject"}:
                    raise BlobNotFound(key) from None
                raise
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

        return await asyncio.to_thread(read)

    async def put_file(self, key: str, path: Path, content_type: str) -> None:
        await asyncio.to_thread(self.client.fput_object, self.bucket, check_key(key), str(path), content_type)

    async def get_file(self, key: str, path: Path) -> None:
        try:
            await asyncio.to_thread(self.client.fget_object, self.bucket, check_key(key), str(path))
        except S3Error as exc:
            if exc.code in {"NoSuchKey", "NoSuchObject"}:
                raise BlobNotFound(key) from None
            raise

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.remove_object, self.bucket, check_key(key))

    async def exists(self, key: str) -> bool:
        def stat() -> bool:
            try:
                self.client.stat_object(self.bucket, check_key(key))
                return True
            except S3Error as exc:
                if exc.code in {"NoSuchKey", "NoSuchObject", "NotFound"}:
                    return False
                raise

        return await asyncio.to_thread(stat)

    async def ping(self) -> bool:
        try:
            return await asyncio.to_thread(self.client.bucket_exists, self.bucket)
        except Exception:  # readiness only reports
            return False
