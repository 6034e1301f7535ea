"""A message in a private chat, kept as Telegram's ``Message`` object renders it."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from typing import Any

from storycam.sandbox.telegram.accounts import Account, Json


def now() -> int:
    return int(time.time())


@dataclass
class Message:
    message_id: int
    sender: Account
    chat: Json
    date: int = field(default_factory=now)
    edit_date: int | None = None
    media_group_id: str | None = None
    text: str | None = None
    entities: list[Json] | None = None
    photo: list[Json] | None = None
    video: Json | None = None
    document: Json | None = None
    caption: str | None = None
    caption_entities: list[Json] | None = None
    invoice: Json | None = None
    successful_payment: Json | None = None
    refunded_payment: Json | None = None
    reply_to_message: Json | None = None
    reply_markup: Json | None = None

    @property
    def has_media(self) -> bool:
        return self.photo is not None or self.video is not None or self.document is not None

    def as_json(self) -> Json:
        message: Json = {"message_id": self.message_id, "from": self.sender.as_user(), "chat": self.chat}
        for item in fields(self):
            if item.name in {"message_id", "sender", "chat"}:
                continue
            value: Any = getattr(self, item.name)
            if value is not None:
                message[item.name] = value
        return message
