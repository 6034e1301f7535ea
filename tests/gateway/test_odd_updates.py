"""Updates that are JSON with an update id but odd inside: each is answered 200 (so Telegram stops resending), none
is left pending, none stops the workers, and what cannot be read is dead-lettered at once with the reason."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from storycam.gateway.ingress.journal import STREAM_PREFIX
from storycam.gateway.telegram import webhook_secret
from tests.gateway.live import live_platform

pytestmark = pytest.mark.slow
FIRST_ID = 900_000_000  # far from the ids the emulator hands out


def _alice_message(alice: int, text: str, **extra: Any) -> dict[str, Any]:
    person = {"id": alice, "is_bot": False, "first_name": "Alice", "language_code": "en"}
    return {
        "message_id": 7,
        "date": 1_700_000_000,
        "chat": {"id": alice, "type": "private", "first_name": "Alice"},
        "from": person,
        "text": text,
        **extra,
    }


def odd_updates(alice: int) -> dict[str, dict[str, Any]]:
    """What each is, and the update (without its id). The first group cannot be read as a Telegram update."""
    return {
        "unreadable: a message that is a string": {"message": "hello"},
        "unreadable: a message with no chat": {"message": {"message_id": 1, "date": 0, "text": "hi"}},
        "unreadable: a chat id that is text": {
            "message": {"message_id": 1, "date": 0, "chat": {"id": "nope", "type": "private"}, "text": "hi"}
        },
        "unreadable: a callback from a number": {"callback_query": {"id": "1", "from": 5, "chat_instance": "x"}},
        "readable: a kind of update nobody handles": {"some_future_update": {"x": 1}},
        "readable: an edited message": {"edited_message": {**_alice_message(alice, "edited"), "edit_date": 1}},
        "readable: a button with unknown data": {
            "callback_query": {
                "id": "odd-callback",
                "from": {"id": alice, "is_bot": False, "first_name": "Alice"},
                "chat_instance": "x",
                "data": "no:such:button",
            }
        },
        "readable: a command whose entity runs past the text": {
            "message": _alice_message(alice, "/start", entities=[{"type": "bot_command", "offset": 0, "length": 99}])
        },
        "readable: a text far past Telegram's 4096 characters": {"message": _alice_message(alice, "x" * 20_000)},
    }


async def _pending(redis: Redis) -> int:
    total = 0
    async for key in redis.scan_iter(match=f"{STREAM_PREFIX}.*"):
        if not key.endswith(b".dead"):
            total += sum(int(group["pending"]) for group in await redis.xinfo_groups(key))
    return total


async def _dead_reasons(redis: Redis) -> dict[int, str]:
    reasons: dict[int, str] = {}
    async for key in redis.scan_iter(match=f"{STREAM_PREFIX}.*.dead"):
        for _, fields in await redis.xrange(key):
            reasons[json.loads(fields[b"update"])["update_id"]] = fields[b"error"].decode()
    return reasons


async def test_odd_updates_are_journaled_settled_and_the_bot_keeps_answering(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        odd = odd_updates(platform.alice)
        secret = {"x-telegram-bot-api-secret-token": webhook_secret(platform.settings)}
        async with httpx.AsyncClient(base_url=str(platform.settings.public_base_url), timeout=10) as gateway:
            for n, update in enumerate(odd.values()):
                response = await gateway.post(
                    "/telegram/webhook", json={"update_id": FIRST_ID + n, **update}, headers=secret
                )
                assert response.status_code == 200, response.text
            # JSON's true is not an update id: refused at the door, never journaled.
            refused = await gateway.post("/telegram/webhook", json={"update_id": True, "message": {}}, headers=secret)
            assert refused.status_code == 400

        await platform.say(platform.masha, "/start")
        [greeting] = await platform.wait_for_bot(platform.masha, 1)
        assert greeting["text"].startswith("Привет, Маша!")
        async with asyncio.timeout(30):
            while await _pending(redis):
                await asyncio.sleep(0.1)

    reasons = await _dead_reasons(redis)
    unreadable = {FIRST_ID + n for n, what in enumerate(odd) if what.startswith("unreadable")}
    assert set(reasons) == unreadable
    # Recognised as unreadable (dead-lettered at once, with where it is wrong), not failed three times over.
    assert all(reason.startswith("not a Telegram update: ") for reason in reasons.values()), reasons
    assert "message.chat.id" in reasons[FIRST_ID + 2]
