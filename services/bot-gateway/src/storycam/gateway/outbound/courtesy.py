"""Answering a callback query is a courtesy: it stops the button's spinner, and nothing depends on it.

Telegram refuses an answer that comes late ("query is too old and response timeout expired", "query ID is
invalid"), which a busy moment or a redone update makes likely. Such a refusal must not fail the update: the tap's
action runs regardless. Any other failure (Telegram away) is left to the usual retries.
"""

from __future__ import annotations

from typing import Any, Final

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from prometheus_client import Counter

from storycam.kit.logging import get_logger

log = get_logger(__name__)

LATE_ANSWERS = Counter("storycam_telegram_callback_answers_refused_total", "Callback answers Telegram refused as late")
_LATE: Final = ("query is too old", "query id is invalid")


class CourtesyAnswers(BaseRequestMiddleware):
    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Any:
        if method.__api_method__ != "answerCallbackQuery":
            return await make_request(bot, method)
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as exc:
            if not any(marker in exc.message.lower() for marker in _LATE):
                raise
            LATE_ANSWERS.inc()
            log.info("telegram.callback_answer_late", reason=exc.message[:120])
            return True
