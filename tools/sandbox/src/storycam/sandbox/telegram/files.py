"""Files the bot and the people exchange: kept in a temporary directory, known by Telegram-like file ids."""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from storycam.sandbox.telegram.accounts import Json

# Telegram's file ids begin with a few bytes that name the kind of file; bots never parse them, people recognise them.
ID_PREFIX = {"photos": "AgACAgIAAxkBAA", "videos": "BAACAgIAAxkBAA", "documents": "BQACAgIAAxkBAA"}
EXTENSION = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp", "video/mp4": ".mp4"}


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str  # the path Telegram hands out for /file/bot<token>/<file_path>
    size: int
    mime_type: str
    file_name: str | None
    local_path: Path

    def as_file(self) -> Json:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


class FileStore:
    def __init__(self) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="storycam-sandbox-")
        self._root = Path(self._directory.name)
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._get_file_calls: dict[str, int] = {}

    def save(self, data: bytes, kind: str, mime_type: str, file_name: str | None = None) -> StoredFile:
        number = len(self._by_path) + 1
        file_path = f"{kind}/file_{number}{EXTENSION.get(mime_type, Path(file_name or '').suffix or '.bin')}"
        local_path = self._root / file_path
        local_path.parent.mkdir(parents=True, exist_ok=True)
        local_path.write_bytes(data)
        stored = StoredFile(
            file_id=ID_PREFIX.get(kind, ID_PREFIX["documents"]) + secrets.token_urlsafe(36),
            file_unique_id="AQAD" + secrets.token_urlsafe(9),
            file_path=file_path,
            size=len(data),
            mime_type=mime_type,
            file_name=file_name,
            local_path=local_path,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[file_path] = stored
        return stored

    def another_id(self, stored: StoredFile, kind: str) -> StoredFile:
        """The same bytes under a second file id, as Telegram gives each photo size its own."""
        alias = StoredFile(
            file_id=ID_PREFIX.get(kind, ID_PREFIX["documents"]) + secrets.token_urlsafe(36),
            file_unique_id="AQAD" + secrets.token_urlsafe(9),
            file_path=stored.file_path,
            size=stored.size,
            mime_type=stored.mime_type,
            file_name=stored.file_name,
            local_path=stored.local_path,
        )
        self._by_id[alias.file_id] = alias
        return alias

    def asked_for(self, file_id: str) -> None:
        """A bot called ``getFile`` for this id (refused or not): tests check a bot did not try to download."""
        self._get_file_calls[file_id] = self._get_file_calls.get(file_id, 0) + 1

    def get_file_calls(self, file_id: str) -> int:
        return self._get_file_calls.get(file_id, 0)

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def close(self) -> None:
        self._directory.cleanup()
