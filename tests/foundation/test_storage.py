"""The local object store: keys that cannot escape it, whole writes, sweeping by age."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storycam.kit.storage import LocalStorage, StoredObjectMissing, open_storage


async def test_put_get_download_delete(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "objects")
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


async def test_put_file_replaces_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "objects")
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"x" * (3 << 20))
    await store.put("clips/abc.mp4", b"old")
    await store.put_file("clips/abc.mp4", clip)
    assert await store.get("clips/abc.mp4") == clip.read_bytes()
    assert [p.name for p in (tmp_path / "objects" / "clips").iterdir()] == ["abc.mp4"]


@pytest.mark.parametrize(
    "key", ["../etc/passwd", "/etc/passwd", "inputs/../../x", "Inputs/A.jpg", "a//b", "a/", "", "a b", "inputs/\x00"]
)
async def test_a_key_cannot_name_a_file_outside_the_store(tmp_path: Path, key: str) -> None:
    store = LocalStorage(tmp_path / "objects")
    with pytest.raises(ValueError, match="not a storage key"):
        await store.put(key, b"x")
    assert not (tmp_path / "etc").exists()


async def test_sweep_removes_only_old_objects_under_the_prefix(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "objects")
    await store.put("inputs/old/1.jpg", b"1")
    await store.put("inputs/new/1.jpg", b"2")
    await store.put("clips/old.mp4", b"3")
    an_hour_ago = time.time() - 3600
    for key in ("inputs/old/1.jpg", "clips/old.mp4"):
        os.utime(store.path_of(key), (an_hour_ago, an_hour_ago))
    removed = await store.sweep("inputs", datetime.now(UTC) - timedelta(minutes=30))
    assert removed == 1
    assert not await store.exists("inputs/old/1.jpg")
    assert not (tmp_path / "objects" / "inputs" / "old").exists()  # the emptied folder goes too
    assert await store.exists("inputs/new/1.jpg")
    assert await store.exists("clips/old.mp4")  # another prefix is not touched
    assert await store.sweep("nothing-here", datetime.now(UTC)) == 0


def test_open_storage_reads_the_url(tmp_path: Path) -> None:
    store = open_storage(f"file://{tmp_path}/a")
    assert isinstance(store, LocalStorage)
    assert store.root == (tmp_path / "a").resolve()
    assert isinstance(open_storage(str(tmp_path / "b")), LocalStorage)
    with pytest.raises(ValueError, match="STORAGE_URL"):
        open_storage("ftp://example.org/x")
