"""Telegram answers that mean "this user cannot be reached": recorded, never retried."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError


def is_undeliverable(exc: TelegramForbiddenError | TelegramBadRequest) -> bool:
    if isinstance(exc, TelegramForbiddenError):  # blocked by the user, kicked from the group
        return True
    message = exc.message.lower()
    return "chat not found" in message or "user is deactivated" in message
