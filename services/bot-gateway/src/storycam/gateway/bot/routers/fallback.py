"""Anything no other handler took: a helpful answer, never silence."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message

from storycam.gateway.bot.keyboards import main_menu
from storycam.gateway.bot.texts import Language, text


async def unknown(message: Message, language: Language) -> None:
    await message.answer(text(language, "unknown"), reply_markup=main_menu(language))


def build_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown)
    return router
