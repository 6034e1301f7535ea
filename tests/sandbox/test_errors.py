"""Refusals read exactly as Telegram's: 401 for a token it does not know, 400 and 403 for chats, 404 for methods."""

from __future__ import annotations

import httpx

from tests.sandbox.bot_api import BotApi, People


async def test_an_unknown_token_is_unauthorized(client: httpx.AsyncClient) -> None:
    response = await client.post("/bot987654321:AAAAAAAAAAAAAAAAAAAAAAAAAAAA/getMe")

    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_empty_text_is_a_bad_request(bot: BotApi, user_id: int) -> None:
    response = await bot.call("sendMessage", chat_id=user_id, text=" \n ")

    assert response.status_code == 400
    assert response.json() == {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"}


async def test_an_unknown_chat_is_not_found(bot: BotApi) -> None:
    response = await bot.call("sendMessage", chat_id=42, text="Anyone?")

    assert response.status_code == 400
    assert response.json() == {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}


async def test_a_bot_cannot_write_first(bot: BotApi, people: People) -> None:
    stranger = await people.create("Stranger")

    response = await bot.call("sendMessage", chat_id=stranger["id"], text="Hi")

    assert response.status_code == 403
    assert response.json()["description"] == "Forbidden: bot can't initiate conversation with a user"


async def test_a_user_who_blocked_the_bot_is_forbidden(bot: BotApi, client: httpx.AsyncClient, user_id: int) -> None:
    await bot.ok("getUpdates", offset=-1)  # forget /start
    (await client.post(f"/sandbox/users/{user_id}/block")).raise_for_status()

    response = await bot.call("sendMessage", chat_id=user_id, text="Still there?")

    assert response.status_code == 403
    assert response.json() == {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
    updates = await bot.ok("getUpdates", offset=2)
    member = updates[0]["my_chat_member"]
    assert (member["old_chat_member"]["status"], member["new_chat_member"]["status"]) == ("member", "kicked")

    (await client.post(f"/sandbox/users/{user_id}/unblock")).raise_for_status()
    assert (await bot.ok("sendMessage", chat_id=user_id, text="Welcome back"))["text"] == "Welcome back"


async def test_a_person_who_blocked_the_bot_cannot_write_to_it(client: httpx.AsyncClient, user_id: int) -> None:
    (await client.post(f"/sandbox/users/{user_id}/block")).raise_for_status()

    response = await client.post(f"/sandbox/users/{user_id}/messages", json={"text": "hi"})

    assert response.status_code == 409
    assert response.json()["error"] == "not_now"


async def test_an_unknown_method_is_not_found(bot: BotApi) -> None:
    response = await bot.call("sendTelepathy")

    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_method_names_are_case_insensitive(bot: BotApi) -> None:
    assert (await bot.ok("GETME"))["is_bot"] is True
