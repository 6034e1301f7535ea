"""/start, /help and the main menu."""

from __future__ import annotations

import html

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message

from storycam.gateway.bot.keyboards import Menu, main_menu
from storycam.gateway.bot.texts import Language, text


async def start(message: Message, language: Language) -> None:
    name = html.escape(message.from_user.first_name if message.from_user else "")
    await message.answer(text(language, "welcome", name=name), reply_markup=main_menu(language))


async def help_command(message: Message, language: Language) -> None:
    await message.answer(text(language, "help"))


async def help_from_menu(query: CallbackQuery, language: Language) -> None:
    await query.answer()
    if query.message is not None:
        await query.message.answer(text(language, "help"))


def build_router() -> Router:
    router = Router(name="menu")
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.callback_query.register(help_from_menu, Menu.filter(F.item == "help"))
    return router
