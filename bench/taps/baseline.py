"""The baseline: what a single developer's bot would be. One aiogram process behind ``SimpleRequestHandler``,
playing the story with bink in-process, the player's state in Redis only (nothing in a database, nothing
journaled: an update acknowledged and then lost with the process is gone, and a Redis flush loses progress).

It keeps Telegram's limits as the gateway does (30 messages a second in all, bursts of 3 then 1 a second per
private chat) with the ``limits`` package's moving window, in memory, which is all one process needs.

``python -m bench.taps.baseline PORT COMPILED_JSON`` (REDIS_URL, TELEGRAM_API_BASE, WEBHOOK_SECRET from the
environment)
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import uvloop
from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

from storycam.story.ink.runtime import InkStory, Passage

TOKEN = "1000000001:AAbench-baseline-token-for-the-stub-only"  # noqa: S105 - the stub accepts any token
SLUG = "bench-labyrinth"


class Paced(BaseRequestMiddleware):
    """Waits for a turn under Telegram's limits before each call that posts into a chat."""

    def __init__(self) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._global = RateLimitItemPerSecond(30)
        self._chat = RateLimitItemPerSecond(3, 3)

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Any:
        name = type(method).__name__
        chat_id = getattr(method, "chat_id", None)
        if chat_id is not None and name.startswith(("Send", "Edit")) and name != "SendChatAction":
            await self._turn(self._chat, "chat", str(chat_id))
            await self._turn(self._global, "all")
        return await make_request(bot, method)

    async def _turn(self, item: RateLimitItem, *identifiers: str) -> None:
        while not await self._limiter.hit(item, *identifiers):
            stats = await self._limiter.get_window_stats(item, *identifiers)
            await asyncio.sleep(max(0.005, stats.reset_time - time.time()))


class Player:
    def __init__(self, redis: Redis, ink: InkStory) -> None:
        self._redis = redis
        self._ink = ink

    async def start(self, query: CallbackQuery) -> None:
        await self._show(query, self._ink.begin(), revision=1)

    async def choose(self, query: CallbackQuery) -> None:
        _, _, revision, index = str(query.data).split(":")
        saved = await self._redis.get(f"baseline:{query.from_user.id}")
        if saved is None:
            await query.answer("Start the story again")
            return
        progress = json.loads(saved)
        if progress["revision"] != int(revision):
            await query.answer("That choice is no longer available")
            return
        passage = self._ink.advance(progress["state"], int(index))
        await self._show(query, passage, revision=progress["revision"] + 1)

    async def _show(self, query: CallbackQuery, passage: Passage, *, revision: int) -> None:
        await self._redis.set(
            f"baseline:{query.from_user.id}", json.dumps({"state": passage.state, "revision": revision})
        )
        await query.answer()
        rows = [
            [InlineKeyboardButton(text=choice[:60], callback_data=f"sc:{SLUG}:{revision}:{n}")]
            for n, choice in enumerate(passage.choices)
        ]
        if passage.ended:
            rows = [[InlineKeyboardButton(text="Play again", callback_data=f"sp:{SLUG}:1")]]
        body = html.escape("\n".join(line.text for line in passage.lines if line.text)) or "…"
        assert query.message is not None
        await query.bot.send_message(  # type: ignore[union-attr]
            query.message.chat.id, body[:4096], reply_markup=InlineKeyboardMarkup(inline_keyboard=rows)
        )


async def serve(port: int, compiled: str) -> None:
    redis: Redis = Redis.from_url(os.environ["REDIS_URL"])
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE"]))
    session.middleware(Paced())
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    player = Player(redis, InkStory(compiled))
    dispatcher = Dispatcher()
    dispatcher.callback_query.register(player.start, F.data.startswith("sp:"))
    dispatcher.callback_query.register(player.choose, F.data.startswith("sc:"))
    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, secret_token=os.environ["WEBHOOK_SECRET"]).register(app, "/telegram/webhook")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    uvloop.run(serve(int(sys.argv[1]), Path(sys.argv[2]).read_text()))
