"""The S3-compatible object store (AWS S3, MinIO, Ceph, R2, Yandex Object Storage, ...), for several machines.

``s3://bucket/prefix?endpoint_url=https://storage.example&region=ru-central1`` names the bucket, an optional key
prefix inside it (so that one bucket can hold several installations), and where the store is. Credentials come
the way every AWS client reads them: ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` (and ``AWS_SESSION_TOKEN``),
or a profile or instance role. The bucket must exist: the service never creates one.

The client is aiobotocore (aio-libs, botocore's own request signing and retries over aiohttp): native asyncio, so
a slow store never ties up a thread per transfer, and it follows botocore's releases closely. An object appears
whole or not at all (S3 itself promises that), so no temporary names are needed; large files go up in parts from
disk, and downloads stream to a temporary file renamed into place.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from contextlib import AsyncExitStack
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from storycam.kit.storage import StoredObjectMissing, check_key

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client
    from types_aiobotocore_s3.type_defs import CompletedPartTypeDef, GetObjectOutputTypeDef

PART_SIZE = 8 << 20  # S3's parts must be at least 5 MiB (but the last); 8 MiB keeps a clip in one or two parts
_CHUNK = 1 << 20
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


class S3Storage:
    """A bucket (and a prefix in it) on any S3-compatible store."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        addressing_style: str | None = None,
        part_size: int = PART_SIZE,
    ) -> None:
        if not bucket:
            raise ValueError("STORAGE_URL names no bucket (s3://bucket/prefix)")
        self.bucket = bucket
        self.prefix = check_key(prefix.strip("/")) + "/" if prefix.strip("/") else ""
        self.part_size = part_size
        self._endpoint_url = endpoint_url
        self._region = region
        # Most stores other than AWS answer only path-style requests (bucket in the path, not the host name).
        self._addressing_style = addressing_style or ("path" if endpoint_url else "auto")
        self._client: S3Client | None = None
        self._exit = AsyncExitStack()
        self._opening = asyncio.Lock()

    @classmethod
    def from_url(cls, url: str) -> S3Storage:
        parts = urlsplit(url)
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        unknown = set(query) - {"endpoint_url", "region", "addressing_style"}
        if unknown:
            raise ValueError(f"STORAGE_URL has unknown parameters: {', '.join(sorted(unknown))}")
        return cls(
            parts.netloc,
            parts.path,
            endpoint_url=query.get("endpoint_url"),
            region=query.get("region"),
            addressing_style=query.get("addressing_style"),
        )

    def key_of(self, key: str) -> str:
        return self.prefix + check_key(key)

    async def _s3(self) -> S3Client:
        async with self._opening:
            if self._client is None:
                config = AioConfig(
                    connect_timeout=5,
                    read_timeout=60,
                    retries={"max_attempts": 3, "mode": "standard"},
                    s3={"addressing_style": self._addressing_style},
                    # Checksums only where S3 requires them: stores that copy S3's API do not all know the newer
                    # CRC headers that botocore now sends by default.
                    request_checksum_calculation="when_required",
                    response_checksum_validation="when_required",
                )
                self._client = await self._exit.enter_async_context(
                    get_session().create_client(
                        "s3", endpoint_url=self._endpoint_url, region_name=self._region, config=config
                    )
                )
            return self._client

    async def put(self, key: str, data: bytes) -> None:
        name = self.key_of(key)
        await (await self._s3()).put_object(Bucket=self.bucket, Key=name, Body=data)

    async def put_file(self, key: str, path: Path) -> None:
        name = self.key_of(key)
        s3 = await self._s3()
        size = (await asyncio.to_thread(path.stat)).st_size
        if size <= self.part_size:
            await s3.put_object(Bucket=self.bucket, Key=name, Body=await asyncio.to_thread(path.read_bytes))
            return
        upload = await s3.create_multipart_upload(Bucket=self.bucket, Key=name)
        upload_id = upload["UploadId"]
        try:
            parts: list[CompletedPartTypeDef] = []
            with path.open("rb") as reader:
                number = 1
                while chunk := await asyncio.to_thread(reader.read, self.part_size):
                    sent = await s3.upload_part(
                        Bucket=self.bucket, Key=name, UploadId=upload_id, PartNumber=number, Body=chunk
                    )
                    parts.append({"PartNumber": number, "ETag": sent["ETag"]})
                    number += 1
            await s3.complete_multipart_upload(
                Bucket=self.bucket, Key=name, UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        except BaseException:
            # Parts of an abandoned upload are stored (and billed) until aborted; sweep() aborts any left by a crash.
            await asyncio.shield(s3.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id))
            raise

    async def _get_object(self, key: str) -> GetObjectOutputTypeDef:
        name = self.key_of(key)
        try:
            return await (await self._s3()).get_object(Bucket=self.bucket, Key=name)
        except ClientError as error:
            if _error_code(error) in _NOT_FOUND:
                raise StoredObjectMissing(key) from None
            raise

    async def get(self, key: str) -> bytes:
        answer = await self._get_object(key)
        async with answer["Body"] as body:
            return await body.read()

    async def download(self, key: str, path: Path) -> None:
        answer = await self._get_object(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            with temporary.open("wb") as writer:
                async with answer["Body"] as body:
                    async for chunk in body.iter_chunks(_CHUNK):
                        await asyncio.to_thread(writer.write, chunk)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    async def exists(self, key: str) -> bool:
        name = self.key_of(key)
        try:
            await (await self._s3()).head_object(Bucket=self.bucket, Key=name)
        except ClientError as error:
            if _error_code(error) in _NOT_FOUND:
                return False
            raise
        return True

    async def delete(self, key: str) -> None:
        name = self.key_of(key)
        await (await self._s3()).delete_object(Bucket=self.bucket, Key=name)  # S3 answers 204 for a missing key too

    async def sweep(self, prefix: str, older_than: datetime) -> int:
        base = self.key_of(prefix.rstrip("/")) + "/"
        s3 = await self._s3()
        removed = 0
        old: list[str] = []
        async for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=base):
            old.extend(item["Key"] for item in page.get("Contents", []) if item["LastModified"] < older_than)
        for start in range(0, len(old), 1000):  # DeleteObjects takes at most 1000 keys
            batch = old[start : start + 1000]
            answer = await s3.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": name} for name in batch], "Quiet": True}
            )
            removed += len(batch) - len(answer.get("Errors", []))
        # Uploads in parts that a crashed writer never finished or aborted: invisible, but stored and billed.
        async for uploads in s3.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket, Prefix=base):
            for upload in uploads.get("Uploads", []):
                if upload["Initiated"] < older_than:
                    await s3.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"])
        return removed

    async def aclose(self) -> None:
        await self._exit.aclose()
        self._client = None


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
