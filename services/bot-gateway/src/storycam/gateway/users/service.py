"""Rules about the bot's users: first contact, their language, whether Telegram still delivers to them, erasure."""

from __future__ import annotations

from typing import Final

import asyncpg
from redis.asyncio import Redis

from storycam.contracts.events import Streams
from storycam.contracts.users import UserErasureRequested
from storycam.gateway.bot.texts import Language
from storycam.gateway.kisscam import records as kisscam_records
from storycam.gateway.users import repository
from storycam.gateway.users.repository import User
from storycam.kit.uow import UnitOfWork


async def seen(db: asyncpg.Pool, telegram_id: int, telegram_language: str) -> User:
    """The user, created on first contact, marked seen (and reachable: they just wrote to us)."""
    return await repository.upsert_seen(db, telegram_id, telegram_language)


async def chosen_language(db: asyncpg.Pool, telegram_id: int) -> str | None:
    return await repository.chosen_language(db, telegram_id)


async def language(db: asyncpg.Pool, telegram_id: int) -> Language:
    """What to tell the user things in when they did not just write (news from other services)."""
    found = await repository.language(db, telegram_id)
    return "ru" if found == "ru" else "en"


async def choose_language(db: asyncpg.Pool, telegram_id: int, language: str) -> None:
    await repository.choose_language(db, telegram_id, language)


async def mark_unreachable(db: asyncpg.Pool, telegram_id: int, reason: str) -> None:
    """Telegram will not deliver to them (blocked the bot, chat gone) until they write again."""
    await repository.mark_unreachable(db, telegram_id, reason[:200])


async def erase(work: UnitOfWork, request: UserErasureRequested) -> None:
    """The user's row goes and every service hears of it, in one unit of work: both or neither."""
    await repository.delete(await work.connection(), request.user_id)
    await work.publish(Streams.USERS_ERASURE, request)


# --- /delete_me confirmations and what the gateway keeps in Redis ------------------------------------------------

ERASURE_TICKET_SECONDS: Final = 300
_USE_TICKET = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


def _ticket_key(telegram_id: int) -> str:
    return f"telegram:erasure-ticket:{telegram_id}"


def _question_key(telegram_id: int) -> str:
    return f"telegram:erasure-question:{telegram_id}"


async def open_erasure_ticket(redis: Redis, telegram_id: int, ticket: str) -> int | None:
    """The confirmation now asked for; it replaces any earlier one and lapses after a few minutes. Returns the
    message of the earlier question still open, if any, whose buttons no longer work."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(_ticket_key(telegram_id), ticket, ex=ERASURE_TICKET_SECONDS)
        pipe.getdel(_question_key(telegram_id))
        _, earlier = await pipe.execute()
    return int(earlier) if earlier is not None else None


async def reopen_erasure_ticket(redis: Redis, telegram_id: int, ticket: str) -> None:
    """The confirmation used by an erasure that failed, valid again (unless a newer question replaced it)."""
    await redis.set(_ticket_key(telegram_id), ticket, ex=ERASURE_TICKET_SECONDS, nx=True)


async def erasure_question_asked(redis: Redis, telegram_id: int, message_id: int) -> None:
    """The message that carries the open confirmation, so that a newer question can take its buttons away."""
    await redis.set(_question_key(telegram_id), message_id, ex=ERASURE_TICKET_SECONDS)


async def use_erasure_ticket(redis: Redis, telegram_id: int, ticket: str) -> bool:
    """True once for the newest, fresh confirmation (yes or no); False when used, replaced or expired."""
    used = await redis.eval(_USE_TICKET, 1, _ticket_key(telegram_id), ticket)
    return bool(used)


async def forget_in_redis(redis: Redis, telegram_id: int) -> None:
    """What the gateway keeps about the user in Redis, beyond the conversation state (cleared by the handler) and
    the inbound limit (``ingress.throttle.forget``) and the chat's pacing window (``outbound.flood.forget_chat``,
    after the last message to them): their confirmation, the messages kept for editing in place, Kiss Cam's."""
    keys = [_ticket_key(telegram_id), _question_key(telegram_id), f"kisscam:collect:{telegram_id}"]
    await kisscam_records.forget_user(redis, telegram_id)  # Kiss Cam's jobs: their photos' file ids
    for pattern in (
        f"telegram:edit:{telegram_id}:*",
        f"kisscam:launched:{telegram_id}:*",
        f"kisscam:said:{telegram_id}:*",
    ):
        keys += [key async for key in redis.scan_iter(match=pattern, count=1000)]
    await redis.delete(*keys)
