"""Object storage for Kiss Cam's photos and clips, shared by the gateway (which stores the photos it receives)
and media (which reads them and stores the clips).

One small interface, two kinds of place, chosen by ``STORAGE_URL``:

- ``file:///var/lib/storycam/objects`` (or a bare path): a local folder, the default: one machine, or a volume
  both services mount;
- ``s3://bucket/prefix?endpoint_url=https://...&region=...``: any S3-compatible store, for several machines
  (``storycam.kit.storage_s3``; credentials from the usual ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``).

Keys are relative paths of lower-case letters, digits and ``/_.-`` (``inputs/<job>/1.jpg``, ``clips/<digest>.mp4``);
anything else is refused before it can name a file outside the store.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
from datetime import datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

_KEY = re.compile(r"[a-z0-9][a-z0-9/_.-]{0,199}")


class StoredObjectMissing(LookupError):
    """No object under this key (never stored, already deleted, or swept)."""


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key) or ".." in key or "//" in key or key.endswith("/"):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class Storage(Protocol):
    async def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key``, replacing what was there; readers never see half an object."""

    async def put_file(self, key: str, path: Path) -> None:
        """Store the file at ``path`` (a rendered clip) without reading it all into memory where the store allows."""

    async def get(self, key: str) -> bytes:
        """The object's bytes; StoredObjectMissing when there is none."""

    async def download(self, key: str, path: Path) -> None:
        """Write the object to ``path``; StoredObjectMissing when there is none."""

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None:
        """Remove the object; one already gone is fine."""

    async def sweep(self, prefix: str, older_than: datetime) -> int:
        """Remove objects under ``prefix`` last written before ``older_than``; how many. Safe to run anywhere."""

    async def aclose(self) -> None: ...


class LocalStorage:
    """A folder. Writes go to a temporary name and are renamed into place, so a crash leaves no torn object."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def path_of(self, key: str) -> Path:
        return self.root / check_key(key)

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, self.path_of(key), data)

    async def put_file(self, key: str, path: Path) -> None:
        await asyncio.to_thread(self._copy, path, self.path_of(key))

    async def get(self, key: str) -> bytes:
        target = self.path_of(key)
        try:
            return await asyncio.to_thread(target.read_bytes)
        except FileNotFoundError:
            raise StoredObjectMissing(key) from None

    async def download(self, key: str, path: Path) -> None:
        source = self.path_of(key)
        if not source.is_file():
            raise StoredObjectMissing(key)
        await asyncio.to_thread(self._copy, source, path)

    async def exists(self, key: str) -> bool:
        return self.path_of(key).is_file()

    async def delete(self, key: str) -> None:
        self.path_of(key).unlink(missing_ok=True)

    async def sweep(self, prefix: str, older_than: datetime) -> int:
        return await asyncio.to_thread(self._sweep, prefix, older_than.timestamp())

    async def aclose(self) -> None:
        return None

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            temporary.write_bytes(data)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)

    @staticmethod
    def _copy(source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            with source.open("rb") as reader, temporary.open("wb") as writer:
                while chunk := reader.read(1 << 20):
                    writer.write(chunk)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)

    def _sweep(self, prefix: str, cutoff: float) -> int:
        base = self.root / check_key(prefix.rstrip("/"))
        if not base.is_dir():
            return 0
        removed = 0
        for path in base.rglob("*"):
            # Leftover temporary files of a crashed write are swept like the rest.
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        for folder in sorted((p for p in base.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
        return removed


def open_storage(url: str) -> Storage:
    """The store ``url`` names: ``file://``/a path (local folder) or ``s3://`` (S3-compatible)."""
    parts = urlsplit(url)
    if parts.scheme in {"", "file"}:
        path = unquote(parts.path) if parts.scheme else url
        if parts.scheme == "file" and parts.netloc:
            # file://relative/dir: not a standard form, but what people write; taken as a relative path.
            path = parts.netloc + unquote(parts.path)
        if not path:
            raise ValueError("STORAGE_URL names no folder")
        return LocalStorage(Path(path))
    if parts.scheme == "s3":
        # Imported here: a service on a local folder never loads the AWS client.
        from storycam.kit.storage_s3 import S3Storage

        return S3Storage.from_url(url)
    raise ValueError(f"STORAGE_URL must be file://... or s3://..., not {parts.scheme}://")
