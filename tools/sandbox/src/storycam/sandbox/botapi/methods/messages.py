"""Text messages: send, edit, delete, and the "typing…" status."""

from __future__ import annotations

from typing import Any

from storycam.sandbox.botapi.calls import Handler, MethodCall
from storycam.sandbox.botapi.methods.outgoing import caption, markup, message_text, send
from storycam.sandbox.telegram.chats import PrivateChat
from storycam.sandbox.telegram.errors import BadRequest
from storycam.sandbox.telegram.messages import Message, now

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a current "
    "content and reply markup of the message"
)
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}


async def send_message(call: MethodCall) -> Any:
    text, entities = message_text(call)
    keyboard = markup(call)
    chat = call.bot.reachable_chat(call.params.chat_id())
    call.bot.flood.spend(chat.user.id)
    return send(call, chat, keyboard, text=text, entities=entities).as_json()


def _editable(call: MethodCall) -> tuple[PrivateChat, Message]:
    if call.params.has("inline_message_id"):
        raise BadRequest("MESSAGE_ID_INVALID")  # the sandbox has no inline mode
    chat = call.bot.reachable_chat(call.params.chat_id())
    message = chat.get(call.params.required_integer("message_id"), "message to edit not found")
    if not message.sender.is_bot:
        raise BadRequest("message can't be edited")
    return chat, message


def _save_edit(call: MethodCall, chat: PrivateChat, message: Message, **changes: Any) -> Any:
    if all(getattr(message, name) == value for name, value in changes.items()):
        raise BadRequest(NOT_MODIFIED)
    call.bot.flood.spend(chat.user.id)
    for name, value in changes.items():
        setattr(message, name, value)
    message.edit_date = now()
    return chat.post(message).as_json()


async def edit_message_text(call: MethodCall) -> Any:
    chat, message = _editable(call)
    if message.text is None:
        raise BadRequest("there is no text in the message to edit")
    text, entities = message_text(call)
    # Like Telegram: an edit without reply_markup takes the inline keyboard away.
    return _save_edit(call, chat, message, text=text, entities=entities, reply_markup=markup(call).inline)


async def edit_message_caption(call: MethodCall) -> Any:
    chat, message = _editable(call)
    if not message.has_media:
        raise BadRequest("there is no caption in the message to edit")
    text, entities = caption(call)
    return _save_edit(call, chat, message, caption=text, caption_entities=entities, reply_markup=markup(call).inline)


async def edit_message_reply_markup(call: MethodCall) -> Any:
    chat, message = _editable(call)
    return _save_edit(call, chat, message, reply_markup=markup(call).inline)


async def delete_message(call: MethodCall) -> Any:
    person = call.bot.people.find(call.params.chat_id())
    if person is None:
        raise BadRequest("chat not found")
    call.bot.chat_with(person).delete(call.params.required_integer("message_id"))
    return True


async def send_chat_action(call: MethodCall) -> Any:
    action = call.params.text("action")
    if action not in CHAT_ACTIONS:
        raise BadRequest("wrong parameter action in request")
    chat = call.bot.reachable_chat(call.params.chat_id())
    chat.actions.append(action)
    chat.publish({"type": "action", "action": action})
    return True


HANDLERS: dict[str, Handler] = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "sendChatAction": send_chat_action,
}
