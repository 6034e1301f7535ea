"""The user's own settings and data: /language, /privacy, /delete_me."""

from __future__ import annotations

import secrets
import uuid
from contextlib import suppress
from datetime import UTC, datetime

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from storycam.contracts.users import UserErasureRequested
from storycam.gateway.bot.keyboards import ChooseLanguage, ConfirmErasure, confirm_erasure, languages, remove_buttons
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.ingress import throttle
from storycam.gateway.outbound import flood
from storycam.gateway.outbound.flood import SkippedForLimits, best_effort
from storycam.gateway.users import service as users
from storycam.kit.logging import get_logger
from storycam.kit.state import ServiceState
from storycam.kit.uow import unit_of_work

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


async def ask_erasure(message: Message, language: Language, service: ServiceState, bot: Bot) -> None:
    if message.from_user is None:
        return
    user_id = message.from_user.id
    # A fresh ticket per question: the newest confirmation is the only one that works, and only for a while; an
    # earlier question still open loses its buttons, so the chat shows one question to answer.
    ticket = secrets.token_urlsafe(9)
    earlier = await users.open_erasure_ticket(service.redis, user_id, ticket)
    if earlier is not None:
        # Cosmetic: when the limits have no room, or the old message is gone, a tap on it is still told it is stale.
        with suppress(SkippedForLimits, TelegramBadRequest), best_effort():
            await remove_buttons(bot, message.chat.id, earlier)
    question = await message.answer(text(language, "delete.confirm"), reply_markup=confirm_erasure(language, ticket))
    await users.erasure_question_asked(service.redis, user_id, question.message_id)


async def erasure_answered(
    query: CallbackQuery,
    callback_data: ConfirmErasure,
    language: Language,
    service: ServiceState,
    state: FSMContext,
    bot: Bot,
) -> None:
    user_id = query.from_user.id
    fresh = await users.use_erasure_ticket(service.redis, user_id, callback_data.ticket)
    await query.answer()
    if query.message is not None:
        # Used, declined or stale, these buttons are done: they go, so nobody taps them again.
        await remove_buttons(bot, query.message.chat.id, query.message.message_id)
    if not fresh:
        await _reply(query, text(language, "delete.stale"))
        return
    if not callback_data.confirmed:
        await _reply(query, text(language, "delete.kept"))
        return
    request = UserErasureRequested(request_id=uuid.uuid4(), user_id=user_id, requested_at=datetime.now(UTC))
    # Its own unit of work, committed before the user reads "done": the update's unit commits only after the
    # handler returns, so "done" would otherwise be sent while the erasure could still roll back.
    try:
        async with unit_of_work(service.db, service.outbox) as work:
            await users.erase(work, request)
            work.after_commit(lambda: users.forget_in_redis(service.redis, user_id))
            work.after_commit(lambda: throttle.forget(service.redis, user_id))
    except Exception:
        # Nothing was erased: the update is tried again, and the same "yes" must still work then.
        await users.reopen_erasure_ticket(service.redis, user_id, callback_data.ticket)
        raise
    await state.clear()
    log.info("user.erasure_requested", request_id=str(request.request_id))
    try:
        await _reply(query, text(language, "delete.done"))
    finally:
        # The chat's pacing window, written by that last message too: nothing of the user is kept.
        await flood.forget_chat(service.redis, bot.id, user_id)


async def _reply(query: CallbackQuery, answer: str) -> None:
    if query.message is not None:
        await query.message.answer(answer)


def build_router() -> Router:
    router = Router(name="account")
    router.message.register(choose_language, Command("language"))
    router.callback_query.register(language_chosen, ChooseLanguage.filter())
    router.message.register(privacy, Command("privacy"))
    router.message.register(ask_erasure, Command("delete_me"))
    router.callback_query.register(erasure_answered, ConfirmErasure.filter())
    return router
