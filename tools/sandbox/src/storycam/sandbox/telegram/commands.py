"""The bot's command lists (``setMyCommands``), per scope and language, and which one a person's menu shows."""

from __future__ import annotations

import re

from storycam.sandbox.telegram.accounts import Json
from storycam.sandbox.telegram.errors import BadRequest

SCOPES = {
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
}
COMMAND = re.compile(r"[a-z0-9_]{1,32}")
LANGUAGE = re.compile(r"[a-z]{2}")

ScopeKey = tuple[str, int | str | None, int | None]


def scope_key(scope: Json | None) -> ScopeKey:
    scope = scope or {"type": "default"}
    kind = scope.get("type")
    if kind not in SCOPES:
        raise BadRequest("can't parse BotCommandScope: unknown scope type")
    return kind, scope.get("chat_id"), scope.get("user_id")


def validated(commands: object) -> list[Json]:
    if not isinstance(commands, list) or len(commands) > 100:
        raise BadRequest("can't parse commands JSON object")
    result: list[Json] = []
    for item in commands:
        if not isinstance(item, dict):
            raise BadRequest("can't parse BotCommand JSON object")
        command, description = item.get("command"), item.get("description")
        if not isinstance(command, str) or not COMMAND.fullmatch(command.lower()):
            raise BadRequest("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise BadRequest("BOT_COMMAND_DESCRIPTION_INVALID")
        result.append({"command": command.lower(), "description": description})
    return result


def validated_language(language_code: str | None) -> str:
    if language_code and not LANGUAGE.fullmatch(language_code):
        raise BadRequest("LANG_CODE_INVALID")
    return language_code or ""


class BotCommands:
    def __init__(self) -> None:
        self._lists: dict[tuple[ScopeKey, str], list[Json]] = {}

    def set(self, commands: list[Json], scope: Json | None, language_code: str | None) -> None:
        key = (scope_key(scope), validated_language(language_code))
        if commands:
            self._lists[key] = commands
        else:
            self._lists.pop(key, None)

    def get(self, scope: Json | None, language_code: str | None) -> list[Json]:
        return self._lists.get((scope_key(scope), validated_language(language_code)), [])

    def for_private_chat(self, user_id: int, language_code: str | None) -> list[Json]:
        """What a person sees in the menu: the narrowest scope first, their language before the fallback."""
        scopes: list[ScopeKey] = [("chat", user_id, None), ("all_private_chats", None, None), ("default", None, None)]
        for scope in scopes:
            for language in (language_code or "", ""):
                commands = self._lists.get((scope, language))
                if commands:
                    return commands
        return []
