"""A Bot API call's parameters, read the way Telegram reads them.

Telegram takes parameters as a query string, a JSON body, a urlencoded form or multipart form data. In forms
every value is a string (aiogram sends numbers as ``"5"``, booleans as ``"true"`` and objects as JSON text), so the
accessors here coerce each parameter to the type its method expects, and files arrive as parts that a parameter
names with ``attach://<part>`` or that carry the parameter's own name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from storycam.sandbox.telegram.errors import BadRequest
from storycam.sandbox.telegram.media import Upload


@dataclass(frozen=True)
class FileReference:
    """A file parameter: new bytes, or the id of a file Telegram already has, or a URL for Telegram to fetch."""

    upload: Upload | None = None
    file_id: str | None = None
    url: str | None = None


@dataclass
class MethodParams:
    values: dict[str, Any]
    uploads: dict[str, Upload] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "") or name in self.uploads

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value) if isinstance(value, dict | list) else str(value)

    def required_text(self, name: str) -> str:
        value = self.text(name)
        if value is None or value == "":
            raise BadRequest(f'parameter "{name}" is required')
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise BadRequest(f'field "{name}" must be of type Integer')
        try:
            return int(value)
        except (TypeError, ValueError):
            raise BadRequest(f'field "{name}" must be of type Integer') from None

    def required_integer(self, name: str) -> int:
        value = self.integer(name)
        if value is None:
            raise BadRequest(f'parameter "{name}" is required')
        return value

    def chat_id(self) -> int:
        """``chat_id``; an ``@username`` (of a channel) never names one of the emulator's private chats."""
        if not self.has("chat_id"):
            raise BadRequest("chat_id is empty")
        try:
            return int(self.values["chat_id"])
        except (TypeError, ValueError):
            raise BadRequest("chat not found") from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1", "yes", "on"}
        return bool(value)

    def structure(self, name: str, what: str | None = None) -> Any:
        """An object or array parameter, given as JSON inside a form or as itself inside a JSON body."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise BadRequest(f"can't parse {what or name} JSON object") from None

    def file(self, name: str) -> FileReference | None:
        if name in self.uploads:
            return FileReference(upload=self.uploads[name])
        return self.file_value(self.text(name))

    def file_value(self, value: str | None) -> FileReference | None:
        if not value:
            return None
        if value.startswith("attach://"):
            upload = self.uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise BadRequest(f'can\'t find attached file "{value.removeprefix("attach://")}"')
            return FileReference(upload=upload)
        if value.startswith(("http://", "https://")):
            return FileReference(url=value)
        return FileReference(file_id=value)
