"""Text messages keep Telegram's shapes: send, format, keyboards, edit, delete, and the chat transcript."""

from __future__ import annotations

import json

from aiogram.types import Message, User

from tests.sandbox.bot_api import BotApi, People
from tests.sandbox.conftest import FakeClock

KEYBOARD = {
    "inline_keyboard": [[{"text": "Go on", "callback_data": "next"}, {"text": "Site", "url": "https://example.org"}]]
}


async def test_get_me_describes_the_bot(bot: BotApi) -> None:
    me = await bot.ok("getMe")

    assert me == {
        "id": 123456789,
        "is_bot": True,
        "first_name": "Storycam",
        "username": "storycam_bot",
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }
    assert not User.model_validate(me).model_extra


async def test_send_message_answers_a_telegram_message(bot: BotApi, user_id: int) -> None:
    sent = await bot.ok("sendMessage", chat_id=user_id, text="Hello!", reply_markup=KEYBOARD)

    assert set(sent) == {"message_id", "from", "chat", "date", "text", "reply_markup"}
    assert sent["from"] == {"id": 123456789, "is_bot": True, "first_name": "Storycam", "username": "storycam_bot"}
    assert sent["chat"] == {"id": user_id, "first_name": "Alice", "username": "alice", "type": "private"}
    assert sent["text"] == "Hello!"
    assert sent["reply_markup"] == KEYBOARD
    assert sent["message_id"] == 2  # the person's /start was 1: one numbering per private chat
    message = Message.model_validate(sent)
    assert not message.model_extra
    assert message.from_user is not None
    assert message.from_user.is_bot


async def test_html_becomes_text_with_entities_in_utf16_units(bot: BotApi, user_id: int) -> None:
    sent = await bot.ok(
        "sendMessage",
        chat_id=user_id,
        text='  🎬 <b>Kiss <i>Cam</i></b> &amp; <a href="https://t.me/x">link</a>\n',
        parse_mode="HTML",
    )

    assert sent["text"] == "🎬 Kiss Cam & link"
    assert sent["entities"] == [
        {"offset": 3, "length": 8, "type": "bold"},  # the emoji counts as two UTF-16 units
        {"offset": 8, "length": 3, "type": "italic"},
        {"offset": 14, "length": 4, "type": "text_link", "url": "https://t.me/x"},
    ]


async def test_unsupported_html_is_refused_like_telegram(bot: BotApi, user_id: int) -> None:
    response = await bot.call("sendMessage", chat_id=user_id, text="<div>hi</div>", parse_mode="HTML")

    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "error_code": 400,
        "description": 'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 0',
    }


async def test_form_encoded_parameters_are_read_like_aiogram_sends_them(bot: BotApi, user_id: int) -> None:
    response = await bot.form(
        "sendMessage",
        {"chat_id": str(user_id), "text": "From a form", "reply_markup": json.dumps(KEYBOARD)},
    )

    assert response.json()["result"]["reply_markup"] == KEYBOARD


async def test_a_reply_keyboard_stays_off_the_message_and_shows_in_the_chat(
    bot: BotApi, people: People, user_id: int
) -> None:
    keyboard = {"keyboard": [["Yes", {"text": "No"}]], "one_time_keyboard": True}
    sent = await bot.ok("sendMessage", chat_id=user_id, text="Sure?", reply_markup=keyboard)

    assert "reply_markup" not in sent
    chat = await people.transcript(user_id)
    assert chat["reply_keyboard"] == {"keyboard": [[{"text": "Yes"}, {"text": "No"}]], "one_time_keyboard": True}


async def test_edits_and_deletions_show_in_the_transcript(
    bot: BotApi, people: People, user_id: int, clock: FakeClock
) -> None:
    progress = await bot.ok("sendMessage", chat_id=user_id, text="Rendering… 0%", reply_markup=KEYBOARD)
    doomed = await bot.ok("sendMessage", chat_id=user_id, text="Temporary")
    clock.advance(5)

    edited = await bot.ok("editMessageText", chat_id=user_id, message_id=progress["message_id"], text="Rendering… 50%")
    assert await bot.ok("deleteMessage", chat_id=user_id, message_id=doomed["message_id"]) is True

    assert edited["text"] == "Rendering… 50%"
    assert isinstance(edited["edit_date"], int)
    assert "reply_markup" not in edited  # an edit without reply_markup takes the keyboard away, as in Telegram
    chat = await people.transcript(user_id)
    assert [(m["message_id"], m.get("text")) for m in chat["messages"]] == [(1, "/start"), (2, "Rendering… 50%")]


async def test_an_edit_that_changes_nothing_is_refused(bot: BotApi, user_id: int) -> None:
    sent = await bot.ok("sendMessage", chat_id=user_id, text="Same")

    response = await bot.call("editMessageText", chat_id=user_id, message_id=sent["message_id"], text="Same")

    assert response.json()["description"].startswith("Bad Request: message is not modified")


async def test_keyboard_alone_can_be_edited(bot: BotApi, user_id: int) -> None:
    sent = await bot.ok("sendMessage", chat_id=user_id, text="Choose")

    edited = await bot.ok(
        "editMessageReplyMarkup", chat_id=user_id, message_id=sent["message_id"], reply_markup=KEYBOARD
    )

    assert edited["reply_markup"] == KEYBOARD
    assert edited["text"] == "Choose"


async def test_deleting_a_missing_message_is_refused(bot: BotApi, user_id: int) -> None:
    response = await bot.call("deleteMessage", chat_id=user_id, message_id=999)

    assert response.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message to delete not found",
    }


async def test_chat_action_is_accepted(bot: BotApi, user_id: int) -> None:
    assert await bot.ok("sendChatAction", chat_id=user_id, action="upload_video") is True
    response = await bot.call("sendChatAction", chat_id=user_id, action="dancing")
    assert response.json()["description"] == "Bad Request: wrong parameter action in request"
