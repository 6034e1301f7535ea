"""Premium: its entry points from the command and from the menu. (Kiss Cam has routers of its own.)"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from storycam.gateway.bot.keyboards import Menu
from storycam.gateway.bot.texts import Language, text

_COMING = {"premium": "coming.premium"}


async def feature_command(message: Message, language: Language) -> None:
    command = (message.text or "").split()[0].lstrip("/").split("@")[0]
    await message.answer(text(language, _COMING[command]))


async def feature_from_menu(query: CallbackQuery, callback_data: Menu, language: Language) -> None:
    await query.answer()
    if query.message is not None:
        await query.message.answer(text(language, _COMING[callback_data.item]))


def build_router() -> Router:
    router = Router(name="features")
    router.message.register(feature_command, Command("premium"))
    router.callback_query.register(feature_from_menu, Menu.filter(F.item.in_({"premium"})))
    return router
