"""Telegram accounts: the bot and the simulated people, as ``User`` and private ``Chat`` objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]


@dataclass(frozen=True)
class Account:
    id: int
    first_name: str
    is_bot: bool = False
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def as_user(self) -> Json:
        user: Json = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        optional = {"last_name": self.last_name, "username": self.username, "language_code": self.language_code}
        return user | {key: value for key, value in optional.items() if value is not None}

    def as_private_chat(self) -> Json:
        """The private chat a bot shares with this person (its id is the person's id)."""
        chat: Json = {"id": self.id, "first_name": self.first_name}
        optional = {"last_name": self.last_name, "username": self.username}
        return chat | {key: value for key, value in optional.items() if value is not None} | {"type": "private"}

    def as_me(self) -> Json:
        """What ``getMe`` answers for a bot account."""
        return self.as_user() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
