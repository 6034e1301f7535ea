"""What the bot sends: within Telegram's flood limits, once per request from another service (edited in place
when asked), and never retried at a person who blocked the bot."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.contracts.telegram import OutboundMessage
from storycam.kit.bus import StreamBus
from tests.gateway.live import live_platform
from tests.gateway.support import stream_settled, until

pytestmark = pytest.mark.slow

OUTBOUND_GROUP = "gateway.outbound"
RETRY_AFTER = "storycam_telegram_retry_after_total"


async def test_outbound_bursts_never_draw_a_429_and_a_forced_one_is_obeyed(
    database_url: str, redis_url: str, redis: Redis
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        bot = platform.gateway.state.bot
        refused_before = await platform.metric(RETRY_AFTER)
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
        assert await platform.metric(RETRY_AFTER) == refused_before, "the sender drew a 429 from Telegram"
        assert len(await platform.bot_messages(platform.alice)) == 1 + 6
        for person in guests:
            assert len(await platform.bot_messages(person)) == 1 + 3

        # Telegram says "retry after 1 s": the sender waits and delivers.
        await platform.control.post("/sandbox/flood", json={"count": 1, "retry_after": 1, "method": "sendMessage"})
        loop = asyncio.get_running_loop()
        started = loop.time()
        await bot.send_message(platform.masha, "after the pause")
        assert loop.time() - started >= 1.0
        assert await platform.metric(RETRY_AFTER) == refused_before + 1
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
        # Once the request is acked (handled, or dead-lettered), nothing more will be done with it.
        await until(lambda: stream_settled(redis, Streams.TELEGRAM_OUTBOUND, OUTBOUND_GROUP), seconds=10)
        unreachable = "SELECT unreachable_since FROM gateway.users WHERE telegram_id = $1"
        assert await db.fetchval(unreachable, platform.alice) is not None
        assert await redis.xlen(f"{Streams.TELEGRAM_OUTBOUND}.dead") == 0, "undeliverable is not a failure to retry"
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
        [_, job] = await platform.wait_for_bot(platform.masha, 2)
        progress = OutboundMessage(
            request_id=uuid.uuid4(), chat_id=platform.masha, text="Готово на 90%", edit_key="job-1"
        )
        await bus.publish(Streams.TELEGRAM_OUTBOUND, progress)
        # All three requests handled: whatever they were going to send or edit, they have.
        await until(lambda: stream_settled(redis, Streams.TELEGRAM_OUTBOUND, OUTBOUND_GROUP), seconds=10)
        [_, edited] = await platform.bot_messages(platform.masha)
        assert (edited["message_id"], edited["text"]) == (job["message_id"], "Готово на 90%")
