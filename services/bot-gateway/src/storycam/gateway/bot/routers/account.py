"""The user's own settings and data: /language, /privacy, /delete_me."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from storycam.contracts.events import Streams
from storycam.contracts.users import UserErasureRequested
from storycam.gateway.bot.keyboards import ChooseLanguage, ConfirmErasure, confirm_erasure, languages
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.users import repository as users
from storycam.kit import outbox
from storycam.kit.logging import get_logger
from storycam.kit.state import ServiceState

log = get_logger(__name__)


async def choose_language(message: Message, language: Language) -> None:
    await message.answer(text(language, "language.choose"), reply_markup=languages())


async def language_chosen(query: CallbackQuery, callback_data: ChooseLanguage, service: ServiceState) -> None:
    await users.choose_language(service.db, query.from_user.id, callback_data.language)
    await query.answer(text(callback_data.language, "language.changed"))
    if query.message is not None:
        await query.message.answer(text(callback_data.language, "language.changed"))


async def privacy(message: Message, language: Language) -> None:
    await message.answer(text(language, "privacy"))


async def ask_erasure(message: Message, language: Language) -> None:
    await message.answer(text(language, "delete.confirm"), reply_markup=confirm_erasure(language))


async def erasure_answered(
    query: CallbackQuery, callback_data: ConfirmErasure, language: Language, service: ServiceState
) -> None:
    if not callback_data.confirmed:
        await query.answer()
        if query.message is not None:
            await query.message.answer(text(language, "delete.kept"))
        return
    user_id = query.from_user.id
    request = UserErasureRequested(request_id=uuid.uuid4(), user_id=user_id, requested_at=datetime.now(UTC))
    # The user's row goes and the erasure event is written in one transaction: every service hears of it.
    async with service.db.acquire() as connection, connection.transaction():
        await users.delete(connection, user_id)
        await outbox.enqueue(connection, Streams.USERS_ERASURE, request)
    service.outbox.wake()
    log.info("user.erasure_requested", request_id=str(request.request_id))
    await query.answer()
    if query.message is not None:
        await query.message.answer(text(language, "delete.done"))


def build_router() -> Router:
    router = Router(name="account")
    router.message.register(choose_language, Command("language"))
    router.callback_query.register(language_chosen, ChooseLanguage.filter())
    router.message.register(privacy, Command("privacy"))
    router.message.register(ask_erasure, Command("delete_me"))
    router.callback_query.register(erasure_answered, ConfirmErasure.filter())
    return router
