"""The object store, local folder and S3-compatible alike: keys that cannot escape it, whole writes, sweeping by
age. The behavioural tests run against both backends; the S3 one talks to a real S3 server (moto's server mode)."""

from __future__ import annotations

import asyncio
import math
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiobotocore.session import get_session

from storycam.kit.storage import LocalStorage, Storage, StoredObjectMissing, open_storage
from storycam.kit.storage_s3 import S3Storage
from tests.support.s3_server import CREDENTIALS, REGION, moto_server


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


async def _new_bucket(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new, empty bucket, and the credentials to reach it in the environment (where the store reads them)."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    bucket = f"storycam-{secrets.token_hex(4)}"
    async with get_session().create_client("s3", endpoint_url=endpoint, region_name=REGION) as s3:
        await s3.create_bucket(Bucket=bucket)
    return bucket


@pytest.fixture
async def s3_bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    return await _new_bucket(s3_endpoint, monkeypatch)


@pytest.fixture(params=["local", "s3"])
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Storage]:
    if request.param == "local":
        yield LocalStorage(tmp_path / "objects")
        return
    endpoint = request.getfixturevalue("s3_endpoint")  # the server starts only when an S3 test runs
    s3 = S3Storage(await _new_bucket(endpoint, monkeypatch), "install-a", endpoint_url=endpoint, region=REGION)
    try:
        yield s3
    finally:
        await s3.aclose()


async def _a_second_later() -> datetime:
    """A whole second later than every write so far, waited for (S3 keeps LastModified to the second)."""
    cutoff = datetime.fromtimestamp(math.floor(time.time()) + 1, UTC)
    while datetime.now(UTC) <= cutoff:
        await asyncio.sleep(0.05)
    return cutoff


async def test_put_get_download_delete(store: Storage, tmp_path: Path) -> None:
    await store.put("inputs/job-1/1.jpg", b"photo")
    assert await store.get("inputs/job-1/1.jpg") == b"photo"
    assert await store.exists("inputs/job-1/1.jpg")
    await store.download("inputs/job-1/1.jpg", tmp_path / "copy.jpg")
    assert (tmp_path / "copy.jpg").read_bytes() == b"photo"
    await store.delete("inputs/job-1/1.jpg")
    await store.delete("inputs/job-1/1.jpg")  # already gone: fine
    assert not await store.exists("inputs/job-1/1.jpg")
    with pytest.raises(StoredObjectMissing):
        await store.get("inputs/job-1/1.jpg")
    with pytest.raises(StoredObjectMissing):
        await store.download("inputs/job-1/1.jpg", tmp_path / "again.jpg")
    assert not (tmp_path / "again.jpg").exists()


async def test_put_file_replaces_and_download_streams_it_back(store: Storage, tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(secrets.token_bytes(3 << 20))
    await store.put("clips/abc.mp4", b"old")
    await store.put_file("clips/abc.mp4", clip)
    assert await store.get("clips/abc.mp4") == clip.read_bytes()
    await store.download("clips/abc.mp4", tmp_path / "back" / "clip.mp4")
    assert (tmp_path / "back" / "clip.mp4").read_bytes() == clip.read_bytes()
    assert [p.name for p in (tmp_path / "back").iterdir()] == ["clip.mp4"]  # no temporary file left


@pytest.mark.parametrize(
    "key", ["../etc/passwd", "/etc/passwd", "inputs/../../x", "Inputs/A.jpg", "a//b", "a/", "", "a b", "inputs/\x00"]
)
async def test_a_key_cannot_name_an_object_outside_the_store(store: Storage, tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="not a storage key"):
        await store.put(key, b"x")
    with pytest.raises(ValueError, match="not a storage key"):
        await store.get(key)
    assert not (tmp_path / "etc").exists()


async def test_sweep_removes_only_old_objects_under_the_prefix(store: Storage) -> None:
    await store.put("inputs/old/1.jpg", b"1")
    await store.put("inputs/old/2.jpg", b"1")
    await store.put("clips/old.mp4", b"3")
    await store.put("inputsx/old.jpg", b"4")  # shares the prefix's letters, not its folder
    cutoff = await _a_second_later()
    await store.put("inputs/new/1.jpg", b"2")
    removed = await store.sweep("inputs", cutoff)
    assert removed == 2
    assert not await store.exists("inputs/old/1.jpg")
    assert not await store.exists("inputs/old/2.jpg")
    assert await store.exists("inputs/new/1.jpg")
    assert await store.exists("clips/old.mp4")  # another prefix is not touched
    assert await store.exists("inputsx/old.jpg")
    assert await store.sweep("nothing-here", datetime.now(UTC)) == 0


# The local folder


async def test_local_writes_leave_no_temporary_files_and_sweeping_removes_emptied_folders(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "objects")
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"x" * (3 << 20))
    await store.put_file("clips/abc.mp4", clip)
    assert [p.name for p in (tmp_path / "objects" / "clips").iterdir()] == ["abc.mp4"]
    await store.put("inputs/old/1.jpg", b"1")
    assert await store.sweep("inputs", datetime.now(UTC) + timedelta(minutes=1)) == 1
    assert not (tmp_path / "objects" / "inputs" / "old").exists()


def test_open_storage_reads_the_url(tmp_path: Path) -> None:
    store = open_storage(f"file://{tmp_path}/a")
    assert isinstance(store, LocalStorage)
    assert store.root == (tmp_path / "a").resolve()
    assert isinstance(open_storage(str(tmp_path / "b")), LocalStorage)
    with pytest.raises(ValueError, match="STORAGE_URL"):
        open_storage("ftp://example.org/x")


# The S3-compatible store


def test_open_storage_reads_an_s3_url() -> None:
    store = open_storage("s3://clips-bucket/prod/kisscam?endpoint_url=https://storage.example&region=ru-central1")
    assert isinstance(store, S3Storage)
    assert (store.bucket, store.prefix) == ("clips-bucket", "prod/kisscam/")
    assert store.key_of("clips/a.mp4") == "prod/kisscam/clips/a.mp4"
    bare = open_storage("s3://clips-bucket")
    assert isinstance(bare, S3Storage)
    assert bare.key_of("clips/a.mp4") == "clips/a.mp4"
    with pytest.raises(ValueError, match="no bucket"):
        open_storage("s3:///prefix")
    with pytest.raises(ValueError, match="unknown parameters: endpoint"):
        open_storage("s3://b/p?endpoint=https://typo.example")


async def test_a_large_file_goes_up_in_parts(s3_bucket: str, s3_endpoint: str, tmp_path: Path) -> None:
    store = S3Storage(s3_bucket, endpoint_url=s3_endpoint, region=REGION, part_size=5 << 20)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(secrets.token_bytes(12 << 20))
    try:
        await store.put_file("clips/big.mp4", clip)
        s3 = await store._s3()
        head = await s3.head_object(Bucket=s3_bucket, Key="clips/big.mp4")
        assert head["ETag"].strip('"').endswith("-3")  # a multipart object's ETag counts its parts
        await store.download("clips/big.mp4", tmp_path / "back.mp4")
        assert (tmp_path / "back.mp4").read_bytes() == clip.read_bytes()
    finally:
        await store.aclose()


async def test_prefixes_keep_installations_apart_and_sweep_aborts_abandoned_uploads(
    s3_bucket: str, s3_endpoint: str
) -> None:
    one = S3Storage(s3_bucket, "one", endpoint_url=s3_endpoint, region=REGION)
    two = S3Storage(s3_bucket, "two", endpoint_url=s3_endpoint, region=REGION)
    try:
        await one.put("inputs/a/1.jpg", b"1")
        await two.put("inputs/a/1.jpg", b"2")
        assert await one.get("inputs/a/1.jpg") == b"1"
        s3 = await one._s3()
        # A writer that crashed mid-upload leaves parts that listing objects does not show.
        await s3.create_multipart_upload(Bucket=s3_bucket, Key="one/inputs/b/clip.mp4")
        assert await one.sweep("inputs", datetime.now(UTC) + timedelta(minutes=1)) == 1
        assert (await s3.list_multipart_uploads(Bucket=s3_bucket)).get("Uploads", []) == []
        assert await two.get("inputs/a/1.jpg") == b"2"
    finally:
        await one.aclose()
        await two.aclose()
