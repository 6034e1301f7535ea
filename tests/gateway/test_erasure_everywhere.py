"""``/delete_me`` leaves nothing of the user in any store: every PostgreSQL table of every service, every Redis key
and value, every stream entry (but the erasure request itself, which every service must still read)."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from tests.gateway.live import Platform, live_platform, words
from tests.gateway.support import until, updates_settled

pytestmark = pytest.mark.slow


def _buttons(message: dict[str, Any]) -> dict[str, str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data", "") for row in rows for b in row}


async def _rows_about(db: asyncpg.Connection, user_id: int) -> dict[str, int]:
    """Rows naming the user in any table of any service's schema (columns user_id or telegram_id)."""
    columns = await db.fetch(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE column_name IN ('user_id', 'telegram_id') "
        "AND table_schema IN ('gateway', 'story', 'media', 'payments')"
    )
    assert len(columns) >= 5, "the check must see the tables it guards"
    found = {}
    for column in columns:
        table = f'"{column["table_schema"]}"."{column["table_name"]}"'
        count = await db.fetchval(f'SELECT count(*) FROM {table} WHERE "{column["column_name"]}" = $1', user_id)
        if count:
            found[f"{table}.{column['column_name']}"] = count
    return found


async def _redis_about(redis: Redis, user_id: int) -> list[str]:
    """Keys whose name or content mentions the user (strings, hashes, lists, sorted sets, streams), but the erasure
    request itself."""
    needle = str(user_id)
    found = []
    async for raw_key in redis.scan_iter(count=1000):
        key = _text(raw_key)
        kind = _text(await redis.type(key))
        parts: list[Any] = []
        if kind == "stream" and key != Streams.USERS_ERASURE:
            for _, fields in await redis.xrange(key):
                parts += [*fields.keys(), *fields.values()]
        elif kind == "string":
            parts.append(await redis.get(key) or b"")
        elif kind == "hash":
            mapping = await redis.hgetall(key)
            parts += [*mapping.keys(), *mapping.values()]
        elif kind == "zset":
            parts += await redis.zrange(key, 0, -1)
        elif kind == "list":
            parts += await redis.lrange(key, 0, -1)
        if needle in key or any(needle in _text(part) for part in parts):
            found.append(f"{kind} {key}")
    return found


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


async def _until_every_service_erased(redis: Redis) -> None:
    async with asyncio.timeout(20):
        while not await redis.xlen(Streams.USERS_ERASURE):  # published once the gateway's unit committed
            await asyncio.sleep(0.05)
        [(request_id, _)] = await redis.xrange(Streams.USERS_ERASURE)
        while True:
            groups = {g["name"].decode(): g for g in await redis.xinfo_groups(Streams.USERS_ERASURE)}
            done = [g for g in groups.values() if g["pending"] == 0 and g["last-delivered-id"] == request_id]
            if {"story.erasure", "payments.erasure"} <= groups.keys() and len(done) == len(groups):
                return
            await asyncio.sleep(0.05)


async def _play_and_pay(platform: Platform, person: int) -> None:
    await platform.say(person, "/stories")
    [catalogue] = await platform.wait_for_bot(person, 1)
    await platform.tap(person, catalogue["message_id"], _buttons(catalogue)["The Quiet Study"])
    await platform.wait_for_bot(person, 1, where=lambda m: "Lantern Row" in words(m))
    await platform.say(person, "who else lives here?")  # free text: the story's reader and its cache
    await platform.wait_for_bot(person, 1, where=lambda m: "Agnes Pell" in m.get("text", ""))
    granted = await platform.payments.post(
        f"/internal/v1/users/{person}/subscriptions/grants",
        json={"days": 7, "reason": "a kind gesture"},
        headers={"Idempotency-Key": "erasure-test-grant"},
    )
    assert granted.status_code == 201
    await platform.say(person, "/stories")  # premium is looked up, and remembered for a while
    await platform.wait_for_bot(person, 2, where=lambda m: "Pick a story" in m.get("text", ""))


async def test_erasure_leaves_nothing_of_the_user_in_any_store(
    database_url: str, redis_url: str, redis: Redis, db: asyncpg.Connection
) -> None:
    async with live_platform(database_url, redis_url) as platform:
        alice = platform.alice
        await _play_and_pay(platform, alice)
        assert await _rows_about(db, alice), "she left rows to erase"
        assert await _redis_about(redis, alice), "and keys"

        await platform.say(alice, "/delete_me")
        question = await platform.wait_for_bot(alice, 1, where=lambda m: "Erase all your data?" in m.get("text", ""))
        await platform.tap(alice, question[-1]["message_id"], _buttons(question[-1])["Yes, erase everything"])
        await platform.wait_for_bot(alice, 1, where=lambda m: m.get("text", "").startswith("Done: your data"))
        # Every service hears the request and forgets her; then nothing of her is anywhere (checked at once, so a
        # key that would only lapse later is caught).
        await _until_every_service_erased(redis)
        # And the tap's own handling is over (the "done" reaches the chat before its update is acked and deleted).
        await until(lambda: updates_settled(redis))
        left = {"rows": await _rows_about(db, alice), "keys": await _redis_about(redis, alice)}
        assert left == {"rows": {}, "keys": []}

        # And she can come back as a new user: her next message is answered, not met with a story state she lost.
        await platform.say(alice, "hello again")
        [welcome_back] = await platform.wait_for_bot(
            alice, 1, where=lambda m: "don't understand free text" in m.get("text", "")
        )
        assert welcome_back
