"""Telling a user something on behalf of another service's event: the shared frame around the Bot API calls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError

from storycam.gateway.outbound.replay import CURRENT_HANDLING, Handling
from storycam.gateway.outbound.undeliverable import is_undeliverable
from storycam.gateway.users import service as users
from storycam.kit.logging import get_logger

log = get_logger(__name__)


@asynccontextmanager
async def telling(db: asyncpg.Pool, key: str, chat_id: int | None) -> AsyncIterator[None]:
    """Bot API calls made inside are recorded under ``key``, so a redelivered event replays them instead of sending
    twice; a person who blocked the bot (or is gone) is recorded as unreachable, not retried. Other errors rise, and
    every error when there is no ``chat_id`` (a call about no chat, such as a Stars refund, decides for itself)."""
    token = CURRENT_HANDLING.set(Handling(key=key))
    try:
        yield
    except (TelegramForbiddenError, TelegramBadRequest) as exc:
        if chat_id is None or not is_undeliverable(exc):
            raise
        log.info("telegram.undeliverable", chat_id=chat_id, reason=exc.message)
        if chat_id > 0:
            await users.mark_unreachable(db, chat_id, exc.message)
    finally:
        CURRENT_HANDLING.reset(token)
