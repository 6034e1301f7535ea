"""The one Bot: every call to Telegram goes through it, with replay and flood control in front."""

from __future__ import annotations

import hashlib
import hmac

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from limits.aio.storage import RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

from storycam.gateway.outbound.courtesy import CourtesyAnswers
from storycam.gateway.outbound.flood import FloodControl
from storycam.gateway.outbound.replay import ReplayGuard
from storycam.gateway.outbound.responses import KeepResponseTypes
from storycam.gateway.settings import GatewaySettings

# The updates the bot handles; Telegram sends nothing else (setWebhook / getUpdates allowed_updates).
ALLOWED_UPDATES = ["message", "callback_query", "pre_checkout_query", "my_chat_member"]


def rate_limiter(settings: GatewaySettings, redis: Redis) -> MovingWindowRateLimiter:
    """Moving-window limits kept in Redis, over the service's own connection pool (closed with it)."""
    storage = RedisStorage(
        f"async+{settings.redis_url}",
        implementation="redispy",
        key_prefix="storycam:limits",
        connection_pool=redis.connection_pool,  # type: ignore[arg-type]  # the stub types options as scalars
    )
    return MovingWindowRateLimiter(storage)


def create_bot(settings: GatewaySettings, redis: Redis) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    session.middleware(KeepResponseTypes())
    session.middleware(CourtesyAnswers())
    # Before flood control = outside it: a replayed call returns its recorded result without waiting for a turn.
    session.middleware(ReplayGuard(redis))
    session.middleware(
        FloodControl(
            redis,
            per_second=settings.telegram_messages_per_second,
            private_per_second=settings.telegram_private_chat_per_second,
            private_burst=settings.telegram_private_chat_burst,
            group_per_minute=settings.telegram_group_chat_per_minute,
        )
    )
    return Bot(settings.bot_token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def webhook_secret(settings: GatewaySettings) -> str:
    """The secret Telegram sends with each update: configured, or (development) derived from the internal one."""
    if settings.telegram_webhook_secret is not None:
        return settings.telegram_webhook_secret.get_secret_value()
    key = settings.internal_auth_secret.get_secret_value().encode()
    return hmac.new(key, b"telegram-webhook", hashlib.sha256).hexdigest()
