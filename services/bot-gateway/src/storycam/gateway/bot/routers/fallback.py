"""Anything no other handler took: a helpful answer, never silence; a button nobody knows still stops spinning."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from storycam.gateway.bot.keyboards import main_menu
from storycam.gateway.bot.texts import Language, text


async def unknown(message: Message, language: Language) -> None:
    await message.answer(text(language, "unknown"), reply_markup=main_menu(language))


async def unknown_button(query: CallbackQuery, language: Language) -> None:
    """An old button of a past version, or data we do not know: say so instead of leaving it spinning."""
    await query.answer(text(language, "button.unknown"), show_alert=False)


def build_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown)
    router.callback_query.register(unknown_button)
    return router
