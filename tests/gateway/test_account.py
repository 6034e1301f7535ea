"""The user's own settings and data: the language they choose, and erasing everything about them."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import asyncpg
import pytest
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.contracts.users import UserErasureRequested
from storycam.gateway.users import repository
from tests.gateway.live import buttons, live_platform
from tests.gateway.support import until, updates_settled

pytestmark = pytest.mark.slow


async def test_the_chosen_language_is_spoken_from_then_on(database_url: str, redis_url: str, redis: Redis) -> None:
    async with live_platform(database_url, redis_url) as platform:
        await platform.say(platform.alice, "/language")  # Alice's Telegram speaks English
        chooser = (await platform.wait_for_bot(platform.alice, 1))[-1]
        await platform.tap(platform.alice, chooser["message_id"], buttons(chooser)["🇷🇺 Русский"])
        await platform.wait_for_bot(platform.alice, 2)
        await platform.say(platform.alice, "/help")
        reply = (await platform.wait_for_bot(platform.alice, 3))[-1]
        assert reply["text"].startswith("Что я умею")


async def test_delete_me_erases_the_user_after_confirmation(
    database_url: str, redis_url: str, redis: Redis, db: asyncpg.Connection
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        # She has data in every service: a user record, a story under way, a support grant.
        await platform.say(platform.masha, "/stories")
        [catalogue] = await platform.wait_for_bot(platform.masha, 1)
        free_story = next(t for t in buttons(catalogue) if not t.startswith("⭐"))
        await platform.tap(platform.masha, catalogue["message_id"], buttons(catalogue)[free_story])
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
        await platform.tap(platform.masha, question["message_id"], buttons(question)["Да, удалить всё"])
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


async def test_an_erasure_that_failed_is_done_by_the_same_yes_tried_again(
    database_url: str, redis_url: str, redis: Redis, db: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_delete = repository.delete
    failures = [asyncpg.exceptions.SerializationError("could not serialize access")]

    async def delete_failing_once(connection: asyncpg.Connection, telegram_id: int) -> bool:
        if failures:
            raise failures.pop()
        return await real_delete(connection, telegram_id)

    monkeypatch.setattr(repository, "delete", delete_failing_once)
    async with live_platform(database_url, redis_url) as platform:
        masha = platform.masha
        await platform.say(masha, "/delete_me")
        [question] = await platform.wait_for_bot(masha, 1)
        await platform.tap(masha, question["message_id"], buttons(question)["Да, удалить всё"])
        await until(lambda: updates_settled(redis))
        said = [m["text"] for m in await platform.bot_messages(masha)][1:]
        assert failures == [], "the first try failed"
        assert [t[:30] for t in said] == ["Готово: ваши данные удалены во"], said
        assert await db.fetchval("SELECT count(*) FROM gateway.users WHERE telegram_id = $1", masha) == 0
        assert await redis.xlen(Streams.USERS_ERASURE) == 1
