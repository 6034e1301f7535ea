"""A tap on an inline button is a callback_query; the bot's answer is what the person sees as a toast."""

from __future__ import annotations

import httpx
from aiogram.types import Update

from tests.sandbox.bot_api import BotApi

KEYBOARD = {"inline_keyboard": [[{"text": "Kiss!", "callback_data": "kiss:classic"}]]}


async def test_a_tap_reaches_the_bot_and_its_answer_is_recorded(
    bot: BotApi, client: httpx.AsyncClient, user_id: int
) -> None:
    sent = await bot.ok("sendMessage", chat_id=user_id, text="Pick a style", reply_markup=KEYBOARD)
    await bot.ok("getUpdates", offset=-1)

    tap = await client.post(
        f"/sandbox/users/{user_id}/callbacks", json={"message_id": sent["message_id"], "data": "kiss:classic"}
    )
    query_id = tap.json()["callback_query_id"]

    updates = await bot.ok("getUpdates", offset=2)
    query = updates[-1]["callback_query"]
    assert not Update.model_validate(updates[-1]).model_extra
    assert query["id"] == query_id
    assert query["data"] == "kiss:classic"
    assert query["from"]["id"] == user_id
    assert query["message"] == sent
    assert isinstance(query["chat_instance"], str)

    assert await bot.ok("answerCallbackQuery", callback_query_id=query_id, text="Rendering…") is True
    answer = (await client.get(f"/sandbox/callbacks/{query_id}")).json()
    assert answer == {
        "callback_query_id": query_id,
        "answered": True,
        "answer": {"text": "Rendering…", "show_alert": False, "url": None},
    }
    twice = await bot.call("answerCallbackQuery", callback_query_id=query_id)
    assert twice.json()["description"] == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )


async def test_a_tap_must_match_a_button_of_the_message(bot: BotApi, client: httpx.AsyncClient, user_id: int) -> None:
    sent = await bot.ok("sendMessage", chat_id=user_id, text="Pick", reply_markup=KEYBOARD)

    response = await client.post(
        f"/sandbox/users/{user_id}/callbacks", json={"message_id": sent["message_id"], "data": "forged"}
    )

    assert response.status_code == 422
    assert response.json()["error"] == "invalid"
