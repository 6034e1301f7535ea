"""Dispatcher middlewares: the user record and their language. (The inbound limit is decided earlier, when the
update is read: ``ingress.throttle``.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser

from storycam.gateway.bot.texts import language_of
from storycam.gateway.users import service as users
from storycam.kit.state import ServiceState

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UserContext(BaseMiddleware):
    """Creates the user on first contact and hands handlers ``user`` and ``language``."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        sender: TelegramUser | None = data.get("event_from_user")
        if sender is not None and not sender.is_bot:
            service: ServiceState = data["service"]
            user = await users.seen(service.db, sender.id, language_of(sender.language_code))
            data["user"] = user
            data["language"] = user.language
        else:
            data["language"] = "en"
        return await handler(event, data)
