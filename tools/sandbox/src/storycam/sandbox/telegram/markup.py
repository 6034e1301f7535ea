"""``reply_markup``: an inline keyboard travels with its message; a reply keyboard replaces the person's keyboard.

Telegram's ``Message.reply_markup`` only ever holds an inline keyboard, so a reply keyboard (or its removal) is kept
on the chat for the web chat to show, not on the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storycam.sandbox.telegram.accounts import Json
from storycam.sandbox.telegram.errors import BadRequest

INLINE_ACTIONS = {
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
}


@dataclass(frozen=True)
class Markup:
    inline: Json | None = None
    reply_keyboard: Json | None = None
    remove_keyboard: bool = False


def parse_markup(value: Any) -> Markup:
    if value is None:
        return Markup()
    if not isinstance(value, dict):
        raise BadRequest("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        return Markup(inline={"inline_keyboard": _inline_rows(value["inline_keyboard"])})
    if "keyboard" in value:
        return Markup(reply_keyboard=value | {"keyboard": _reply_rows(value["keyboard"])})
    if value.get("remove_keyboard"):
        return Markup(remove_keyboard=True)
    if value.get("force_reply"):
        return Markup()
    raise BadRequest("can't parse reply keyboard markup JSON object")


def _rows(rows: Any) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise BadRequest("can't parse reply keyboard markup JSON object")
    return rows


def _inline_rows(rows: Any) -> list[list[Json]]:
    checked = _rows(rows)
    for row in checked:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
                raise BadRequest(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            actions = INLINE_ACTIONS & {key for key, item in button.items() if item not in (None, False)}
            if len(actions) != 1:
                raise BadRequest(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not (isinstance(data, str) and 1 <= len(data.encode()) <= 64):
                raise BadRequest("BUTTON_DATA_INVALID")
    return checked


def _reply_rows(rows: Any) -> list[list[Json]]:
    normalised: list[list[Json]] = []
    for row in _rows(rows):
        buttons: list[Json] = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise BadRequest("can't parse keyboard button")
            buttons.append(button)
        normalised.append(buttons)
    return normalised
