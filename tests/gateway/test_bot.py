"""The bot a user meets, end to end: emulator as Telegram, real gateway, real PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.contracts.telegram import OutboundMessage
from storycam.contracts.users import UserErasureRequested
from storycam.gateway.outbound.flood import RETRY_AFTER
from storycam.gateway.telegram import webhook_secret
from storycam.kit.bus import StreamBus
from tests.gateway.live import live_platform

pytestmark = pytest.mark.slow


def _buttons_of(message: dict[str, Any]) -> dict[str, str]:
    return dict(_buttons(message))


def _buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


async def test_start_greets_in_the_users_language_with_the_menu(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        await platform.say(platform.alice, "/start")
        await platform.say(platform.masha, "/start")
        [english] = await platform.wait_for_bot(platform.alice, 1)
        [russian] = await platform.wait_for_bot(platform.masha, 1)
    assert english["text"].startswith("Hi, Alice! I'm Storycam.")
    assert [text for text, _ in _buttons(english)] == ["📖 Stories", "💋 Kiss Cam", "⭐ Premium", "❓ Help"]
    assert russian["text"].startswith("Привет, Маша! Я Storycam.")
    assert [text for text, _ in _buttons(russian)] == ["📖 Истории", "💋 Kiss Cam", "⭐ Премиум", "❓ Помощь"]


async def test_menu_button_and_commands_menu(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url) as platform:
        await platform.say(platform.alice, "/start")
        [menu] = await platform.wait_for_bot(platform.alice, 1)
        data = dict(_buttons(menu))["❓ Help"]
        query = await platform.tap(platform.alice, menu["message_id"], data)
        help_message = (await platform.wait_for_bot(platform.alice, 2))[-1]
        assert "/delete_me" in help_message["text"]
        answer = (await platform.control.get(f"/sandbox/callbacks/{query}")).json()
        assert answer["answered"] is True
        commands = (await platform.control.get(f"/sandbox/users/{platform.masha}/commands")).json()["commands"]
        assert {"command": "stories", "description": "Интерактивные истории"} in commands


async def test_unknown_text_and_support_and_language(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url) as platform:
        await platform.say(platform.alice, "what is this?")
        [unknown] = await platform.wait_for_bot(platform.alice, 1)
        assert "don't understand free text" in unknown["text"]
        assert _buttons(unknown)

        await platform.say(platform.alice, "/support")
        support = (await platform.wait_for_bot(platform.alice, 2))[-1]
        assert "10:00–20:00 Moscow time" in support["text"]

        await platform.say(platform.alice, "/language")
        chooser = (await platform.wait_for_bot(platform.alice, 3))[-1]
        await platform.tap(platform.alice, chooser["message_id"], dict(_buttons(chooser))["🇷🇺 Русский"])
        await platform.wait_for_bot(platform.alice, 4)
        await platform.say(platform.alice, "/help")
        reply = (await platform.wait_for_bot(platform.alice, 5))[-1]
        assert reply["text"].startswith("Что я умею")


async def test_a_repeated_update_is_handled_once(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url) as platform:
        await platform.say(platform.alice, "/help")
        await platform.wait_for_bot(platform.alice, 1)
        # Telegram redelivers the same update (say, our 200 was lost): post it to the webhook again.
        [stream] = [k async for k in redis.scan_iter(match="telegram.updates.*") if await redis.xlen(k)]
        [(_, fields)] = await redis.xrange(stream)
        update = json.loads(fields[b"update"])
        async with httpx.AsyncClient() as client:
            for _ in range(2):
                response = await client.post(
                    f"{platform.settings.public_base_url}/telegram/webhook",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": webhook_secret(platform.settings)},
                )
                assert response.status_code == 200
        await asyncio.sleep(1.0)
        assert len(await platform.bot_messages(platform.alice)) == 1


async def test_outbound_bursts_never_draw_a_429_and_a_forced_one_is_obeyed(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        bot = platform.gateway.state.bot
        refused_before = RETRY_AFTER._value.get()
        # A burst to one chat, and a burst over many chats (new people, each their own private chat).
        # Telegram lets a bot write only to people who wrote first: a dozen new people say hello.
        guests = []
        for n in range(12):
            created = await platform.control.post("/sandbox/users", json={"first_name": f"Guest{n}"})
            guests.append(created.json()["id"])
        for person in [platform.alice, platform.masha, *guests]:
            await platform.say(person, "/privacy")
        for person in [platform.alice, platform.masha, *guests]:
            await platform.wait_for_bot(person, 1)
        # A burst to one chat, and a burst over many chats at once.
        await asyncio.gather(
            *(bot.send_message(platform.alice, f"burst {n}") for n in range(6)),
            *(bot.send_message(person, f"hello {person}") for person in guests for _ in range(3)),
        )
        assert RETRY_AFTER._value.get() == refused_before, "the sender drew a 429 from Telegram"
        assert len(await platform.bot_messages(platform.alice)) == 1 + 6
        for person in guests:
            assert len(await platform.bot_messages(person)) == 1 + 3

        # Telegram says "retry after 1 s": the sender waits and delivers.
        await platform.control.post("/sandbox/flood", json={"count": 1, "retry_after": 1, "method": "sendMessage"})
        loop = asyncio.get_running_loop()
        started = loop.time()
        await bot.send_message(platform.masha, "after the pause")
        assert loop.time() - started >= 1.0
        assert RETRY_AFTER._value.get() == refused_before + 1
        assert (await platform.bot_messages(platform.masha))[-1]["text"] == "after the pause"


async def test_a_user_who_blocked_the_bot_is_recorded_not_retried(
    database_url: str, redis_url: str, redis: Redis, db: asyncpg.Connection
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        await platform.say(platform.alice, "/start")
        await platform.wait_for_bot(platform.alice, 1)
        await platform.control.post(f"/sandbox/users/{platform.alice}/block")
        # Later another service has news for her (a finished video, say): Telegram answers 403.
        request = OutboundMessage(request_id=uuid.uuid4(), chat_id=platform.alice, text="Your video is ready")
        await StreamBus(redis).publish(Streams.TELEGRAM_OUTBOUND, request)
        async with asyncio.timeout(10):
            while not await db.fetchval(
                "SELECT unreachable_since FROM gateway.users WHERE telegram_id = $1", platform.alice
            ):
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        assert await redis.xlen(f"{Streams.TELEGRAM_OUTBOUND}.dead") == 0, "undeliverable is not a failure to retry"
        assert (await redis.xpending(Streams.TELEGRAM_OUTBOUND, "gateway.outbound"))["pending"] == 0
        assert len(await platform.bot_messages(platform.alice)) == 1


async def test_other_services_messages_are_sent_once_and_edited_in_place(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        await platform.say(platform.masha, "/start")
        await platform.wait_for_bot(platform.masha, 1)
        bus = StreamBus(redis)
        first = OutboundMessage(request_id=uuid.uuid4(), chat_id=platform.masha, text="Готово на 10%", edit_key="job-1")
        await bus.publish(Streams.TELEGRAM_OUTBOUND, first)
        await bus.publish(Streams.TELEGRAM_OUTBOUND, first)  # redelivered: still one message
        await platform.wait_for_bot(platform.masha, 2)
        progress = OutboundMessage(
            request_id=uuid.uuid4(), chat_id=platform.masha, text="Готово на 90%", edit_key="job-1"
        )
        await bus.publish(Streams.TELEGRAM_OUTBOUND, progress)
        async with asyncio.timeout(10):
            while (await platform.bot_messages(platform.masha))[-1]["text"] != "Готово на 90%":
                await asyncio.sleep(0.05)
        assert len(await platform.bot_messages(platform.masha)) == 2


async def test_delete_me_erases_the_user_after_confirmation(
    database_url: str, redis_url: str, redis: Redis, db: asyncpg.Connection
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        # She has data in every service: a user record, a story under way, a support grant.
        await platform.say(platform.masha, "/stories")
        [catalogue] = await platform.wait_for_bot(platform.masha, 1)
        free_story = next(t for t in _buttons_of(catalogue) if not t.startswith("⭐"))
        await platform.tap(platform.masha, catalogue["message_id"], _buttons_of(catalogue)[free_story])
        await platform.wait_for_bot(platform.masha, 2)
        granted = await platform.payments.post(
            f"/internal/v1/users/{platform.masha}/subscriptions/grants",
            json={"days": 7, "reason": "a kind gesture"},
            headers={"Idempotency-Key": str(uuid4())},
        )
        assert granted.status_code == 201
        assert await db.fetchval("SELECT count(*) FROM story.progress WHERE user_id = $1", platform.masha) == 1
        before = len(await platform.bot_messages(platform.masha))

        await platform.say(platform.masha, "/delete_me")
        question = (await platform.wait_for_bot(platform.masha, before + 1))[-1]
        assert await db.fetchval("SELECT count(*) FROM gateway.users WHERE telegram_id = $1", platform.masha) == 1
        await platform.tap(platform.masha, question["message_id"], dict(_buttons(question))["Да, удалить всё"])
        done = (await platform.wait_for_bot(platform.masha, before + 2))[-1]
        assert done["text"].startswith("Готово: ваши данные удалены")
        assert await db.fetchval("SELECT count(*) FROM gateway.users WHERE telegram_id = $1", platform.masha) == 0
        async with asyncio.timeout(10):
            while not await redis.xlen(Streams.USERS_ERASURE):
                await asyncio.sleep(0.05)
        [(_, fields)] = await redis.xrange(Streams.USERS_ERASURE)
        assert UserErasureRequested.model_validate_json(fields[b"data"]).user_id == platform.masha
        # Every service hears it and forgets her: the story service her progress, payments the grant.
        async with asyncio.timeout(15):
            while await db.fetchval(
                "SELECT (SELECT count(*) FROM story.progress WHERE user_id = $1)"
                " + (SELECT count(*) FROM payments.subscriptions WHERE user_id = $1)",
                platform.masha,
            ):
                await asyncio.sleep(0.1)


async def test_a_user_who_floods_is_told_once_to_slow_down(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url, user_updates_per_window=5, user_window_seconds=60) as platform:
        for n in range(9):
            await platform.say(platform.alice, f"message {n}")
        await platform.wait_for_bot(platform.alice, 6)
        await asyncio.sleep(1.0)
        replies = await platform.bot_messages(platform.alice)
    slow = [m for m in replies if "catch my breath" in m["text"]]
    assert len(slow) == 1
    assert len(replies) == 6  # five answered, one "slow down", the rest dropped


async def test_slow_down_is_said_in_the_language_the_user_chose(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url, user_updates_per_window=3, user_window_seconds=60) as platform:
        await platform.say(platform.alice, "/language")  # Alice's Telegram speaks English
        chooser = (await platform.wait_for_bot(platform.alice, 1))[-1]
        await platform.tap(platform.alice, chooser["message_id"], dict(_buttons(chooser))["🇷🇺 Русский"])
        await platform.wait_for_bot(platform.alice, 2)
        for n in range(4):
            await platform.say(platform.alice, f"message {n}")
        await platform.wait_for_bot(platform.alice, 4)
        await asyncio.sleep(1.0)
        replies = await platform.bot_messages(platform.alice)
    slow = [m for m in replies if "перевести дух" in m["text"]]
    assert len(slow) == 1, [m["text"] for m in replies]


async def test_balance_shows_what_payments_knows(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url) as platform:
        await platform.say(platform.alice, "/balance")
        [free] = await platform.wait_for_bot(platform.alice, 1)
        assert "Subscription: none (free access)" in free["text"]
        assert "Kiss Cam credits: 0" in free["text"]

        granted = await platform.payments.post(
            f"/internal/v1/users/{platform.alice}/subscriptions/grants",
            json={"days": 30, "reason": "contest prize"},
            headers={"Idempotency-Key": str(uuid4())},
        )
        assert granted.status_code == 201
        await platform.say(platform.alice, "/balance")
        premium = (await platform.wait_for_bot(platform.alice, 2))[-1]
        assert "Subscription: Premium until" in premium["text"]


async def test_balance_says_so_when_payments_is_down(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url, payments_url="http://127.0.0.1:9") as platform:
        await platform.say(platform.masha, "/balance")
        [reply] = await platform.wait_for_bot(platform.masha, 1)
        assert reply["text"].startswith("Не получается узнать баланс прямо сейчас")


async def test_every_command_in_the_menu_has_an_answer(database_url: str, redis_url: str, redis: Redis) -> None:
    from storycam.gateway.bot.texts import COMMANDS

    async with live_platform(database_url, redis_url) as platform:
        for n, (command, _) in enumerate(COMMANDS["en"], start=1):
            await platform.say(platform.alice, f"/{command}")
            reply = (await platform.wait_for_bot(platform.alice, n))[-1]
            assert "don't understand" not in reply["text"], f"/{command} has no handler"


async def test_polling_mode_feeds_the_same_workers(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url, polling=True) as platform:
        webhook = (await platform.control.get("/sandbox/bot")).json()
        assert webhook["bot"] is not None
        await platform.say(platform.masha, "/start")
        [greeting] = await platform.wait_for_bot(platform.masha, 1, seconds=40)
        assert greeting["text"].startswith("Привет, Маша!")


async def test_an_update_redone_after_a_crash_takes_effect_once(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    from storycam.gateway.ingress.handling import UpdateDispatch
    from tests.gateway.support import text_update

    async with live_platform(database_url, redis_url) as platform:
        await platform.say(platform.alice, "/start")
        await platform.wait_for_bot(platform.alice, 1)
        state = platform.gateway.state
        dispatch = UpdateDispatch(state.bot, state.dispatcher, state.service)
        update = text_update(990_001, platform.alice, "/help")
        # A worker handled it and died before the ack; the next owner of the partition handles it again.
        await dispatch(update)
        await dispatch(update)
        await asyncio.sleep(0.5)
        helps = [m for m in await platform.bot_messages(platform.alice) if "What I can do" in m["text"]]
        assert len(helps) == 1
