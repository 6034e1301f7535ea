"""What a simulated person does in a chat, and the updates Telegram sends the bot for it."""

from __future__ import annotations

import secrets

from storycam.sandbox.telegram.accounts import Account, Json
from storycam.sandbox.telegram.bot import BotAccount
from storycam.sandbox.telegram.callback_queries import CallbackQuery
from storycam.sandbox.telegram.chats import PrivateChat
from storycam.sandbox.telegram.formatting import command_entities
from storycam.sandbox.telegram.media import Upload, image_mime_type, store_photo
from storycam.sandbox.telegram.messages import Message, now
from storycam.sandbox.telegram.refusals import Invalid, NotNow, UnknownMessage

MAX_TEXT = 4096


def open_chat(bot: BotAccount, person: Account) -> PrivateChat:
    chat = bot.chat_with(person)
    if chat.blocked:
        raise NotNow("This user has blocked the bot; unblock it first.")
    chat.started = True
    return chat


def send(bot: BotAccount, chat: PrivateChat, message: Message) -> Message:
    """A message from the person: shown in the chat and delivered to the bot."""
    chat.post(message)
    bot.deliver("message", message.as_json())
    return message


def send_text(bot: BotAccount, person: Account, text: str) -> Message:
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise Invalid(f"A message has 1 to {MAX_TEXT} characters.")
    chat = open_chat(bot, person)
    message = Message(chat.next_message_id(), person, chat.as_chat, text=text, entities=command_entities(text))
    return send(bot, chat, message)


def send_photos(
    bot: BotAccount, person: Account, photos: list[Upload], *, album: bool, caption: str | None
) -> list[Message]:
    """One message per photo (the caption on the first); as an album they share one ``media_group_id``."""
    if not 1 <= len(photos) <= 10:
        raise Invalid("Send 1 to 10 photos at once.")
    chat = open_chat(bot, person)
    sizes = [store_photo(bot.files, photo) for photo in photos]
    group = str(secrets.randbelow(9 * 10**16) + 10**16) if album and len(photos) > 1 else None
    messages = []
    for index, photo in enumerate(sizes):
        message = Message(chat.next_message_id(), person, chat.as_chat, photo=photo, media_group_id=group)
        if caption and index == 0:
            message.caption = caption
        messages.append(send(bot, chat, message))
    return messages


def send_document(bot: BotAccount, person: Account, upload: Upload, *, caption: str | None) -> Message:
    """A file sent as a file (not compressed as a photo): any bytes, with the name and type the sender's app gave."""
    if not upload.data:
        raise Invalid("The file is empty.")
    chat = open_chat(bot, person)
    mime_type = upload.mime_type or image_mime_type(upload.data) or "application/octet-stream"
    stored = bot.files.save(upload.data, "documents", mime_type, upload.file_name)
    document: Json = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": stored.size}
    if upload.file_name:
        document["file_name"] = upload.file_name
    document["mime_type"] = mime_type
    message = Message(chat.next_message_id(), person, chat.as_chat, document=document, caption=caption)
    return send(bot, chat, message)


def tap_button(bot: BotAccount, person: Account, message_id: int, data: str) -> CallbackQuery:
    chat = open_chat(bot, person)
    message = chat.find(message_id)
    if message is None or not message.sender.is_bot:
        raise UnknownMessage(f"The bot has no message {message_id} in this chat.")
    buttons = [button for row in (message.reply_markup or {}).get("inline_keyboard", []) for button in row]
    if not any(button.get("callback_data") == data for button in buttons):
        raise Invalid("That message has no button with this callback_data.")
    query = bot.callback_queries.open(person.id, message_id, data)
    bot.deliver(
        "callback_query",
        {
            "id": query.id,
            "from": person.as_user(),
            "message": message.as_json(),
            "chat_instance": chat.instance,
            "data": data,
        },
    )
    return query


def set_blocked(bot: BotAccount, person: Account, blocked: bool) -> None:
    """Block or unblock the bot; the bot learns it from a ``my_chat_member`` update, as in Telegram."""
    chat = bot.chat_with(person)
    if chat.blocked == blocked:
        return
    chat.blocked = blocked
    member: Json = {"status": "member", "user": bot.identity.as_user()}
    kicked: Json = {"status": "kicked", "user": bot.identity.as_user(), "until_date": 0}
    old, new = (member, kicked) if blocked else (kicked, member)
    bot.deliver(
        "my_chat_member",
        {"chat": chat.as_chat, "from": person.as_user(), "date": now(), "old_chat_member": old, "new_chat_member": new},
    )
    chat.publish({"type": "blocked", "blocked": blocked})
