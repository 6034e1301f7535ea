"""Handing one journaled update to the dispatcher, in one unit of work, and what counts as done."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError
from pydantic import ValidationError

from storycam.gateway.ingress.journal import chat_of
from storycam.gateway.outbound.replay import CURRENT_HANDLING, Handling, recorded_keys
from storycam.gateway.outbound.undeliverable import is_undeliverable
from storycam.gateway.users import service as users
from storycam.kit.logging import get_logger
from storycam.kit.state import ServiceState
from storycam.kit.streams import Rejected
from storycam.kit.uow import unit_of_work

log = get_logger(__name__)


class NotAnUpdate(Rejected):
    """The entry is not a Telegram update we can read: no retry can help, it is dead-lettered with where."""


class UpdateDispatch:
    def __init__(self, bot: Bot, dispatcher: Dispatcher, state: ServiceState) -> None:
        self._bot = bot
        self._dispatcher = dispatcher
        self._state = state

    async def __call__(self, update: dict[str, Any], *, fresh: bool = False) -> list[str] | None:
        """Handle the update; returns the keys of its recorded Bot API calls, to go with its ack. ``fresh``: this is
        the first try of the update's first delivery (its calls need no looking up: see ``outbound.replay``)."""
        try:
            parsed = Update.model_validate(update, context={"bot": self._bot})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise NotAnUpdate(f"not a Telegram update: {where}: {first['msg']} ({exc.error_count()} errors)") from None
        try:
            parsed.event_type  # noqa: B018 - raises for a kind of update this aiogram does not know
        except UpdateTypeLookupError:
            # Telegram adds kinds of updates over time (we ask for ALLOWED_UPDATES only): nothing to do or retry.
            log.info("telegram.update_ignored", update_id=parsed.update_id, kinds=sorted(parsed.model_extra or {}))
            return None
        handling = Handling(key=f"update:{update['update_id']}", fresh=fresh)
        token = CURRENT_HANDLING.set(handling)
        try:
            # Handlers that change state receive ``work``; it begins a transaction only if one of them uses it.
            async with unit_of_work(self._state.db, self._state.outbox) as work:
                try:
                    await self._dispatcher.feed_update(self._bot, parsed, work=work)
                except (TelegramForbiddenError, TelegramBadRequest) as exc:
                    if not is_undeliverable(exc):
                        raise
                    # The user blocked the bot or the chat is gone: what the handler did stands; nothing to retry.
                    chat = chat_of(update)
                    log.info("telegram.undeliverable", chat_id=chat, reason=exc.message)
                    if chat is not None and chat > 0:
                        await users.mark_unreachable(self._state.db, chat, exc.message)
        finally:
            CURRENT_HANDLING.reset(token)
        return recorded_keys(self._bot.id, handling)
