"""What every sending method shares: the reply target, the keyboard, the flood limit, posting to the chat."""

from __future__ import annotations

from typing import Any

from storycam.sandbox.botapi.calls import MethodCall
from storycam.sandbox.telegram.chats import PrivateChat
from storycam.sandbox.telegram.errors import BadRequest
from storycam.sandbox.telegram.formatting import formatted, utf16_length, with_commands
from storycam.sandbox.telegram.markup import Markup, parse_markup
from storycam.sandbox.telegram.messages import Message

MAX_TEXT = 4096
MAX_CAPTION = 1024


def message_text(call: MethodCall) -> tuple[str, list[Any] | None]:
    params = call.params
    text, entities = formatted(params.text("text") or "", params.text("parse_mode"), params.structure("entities"))
    if not text:
        raise BadRequest("message text is empty")
    if utf16_length(text) > MAX_TEXT:
        raise BadRequest("message is too long")
    return text, with_commands(text, entities)


def caption(call: MethodCall, item: dict[str, Any] | None = None) -> tuple[str | None, list[Any] | None]:
    """A media caption, from the call or from one ``InputMedia`` of an album."""
    source = item if item is not None else call.params.values
    entities = call.params.structure("caption_entities") if item is None else item.get("caption_entities")
    text, found = formatted(str(source.get("caption") or ""), source.get("parse_mode"), entities)
    if utf16_length(text) > MAX_CAPTION:
        raise BadRequest("message caption is too long")
    return text or None, with_commands(text, found)


def markup(call: MethodCall) -> Markup:
    return parse_markup(call.params.structure("reply_markup", "reply keyboard markup"))


def reply_target(call: MethodCall, chat: PrivateChat) -> dict[str, Any] | None:
    parameters = call.params.structure("reply_parameters") or {}
    message_id = parameters.get("message_id") or call.params.integer("reply_to_message_id")
    if not message_id:
        return None
    target = chat.find(int(message_id))
    if target is None:
        if parameters.get("allow_sending_without_reply") or call.params.flag("allow_sending_without_reply"):
            return None
        raise BadRequest("message to be replied not found")
    return target.as_json()


def send(call: MethodCall, chat: PrivateChat, keyboard: Markup, **content: Any) -> Message:
    message = Message(
        chat.next_message_id(),
        call.bot.identity,
        chat.as_chat,
        reply_markup=keyboard.inline,
        reply_to_message=reply_target(call, chat),
        **content,
    )
    if keyboard.reply_keyboard is not None or keyboard.remove_keyboard:
        chat.reply_keyboard = keyboard.reply_keyboard
        chat.publish({"type": "keyboard", "reply_keyboard": keyboard.reply_keyboard})
    return chat.post(message)
