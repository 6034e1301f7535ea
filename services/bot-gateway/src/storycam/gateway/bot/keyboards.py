"""Inline keyboards and the callback data they carry."""

from __future__ import annotations

from typing import Literal

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from storycam.gateway.bot.texts import Language, text

MenuItem = Literal["stories", "kisscam", "premium", "help"]


class Menu(CallbackData, prefix="menu"):
    item: MenuItem


class ChooseLanguage(CallbackData, prefix="lang"):
    language: Language


class ConfirmErasure(CallbackData, prefix="erase"):
    confirmed: bool


class StoryPick(CallbackData, prefix="sp"):
    slug: str
    restart: bool = False


class StoryChoose(CallbackData, prefix="sc"):
    """A choice button carries the revision it was made for: a stale tap gets a friendly answer, not a wrong move."""

    slug: str
    revision: int
    index: int


class StoryUndo(CallbackData, prefix="su"):
    slug: str
    revision: int


def main_menu(language: Language) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item in ("stories", "kisscam", "premium", "help"):
        builder.button(text=text(language, f"menu.{item}"), callback_data=Menu(item=item))
    builder.adjust(2)
    return builder.as_markup()


def languages() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text="🇷🇺 Русский", callback_data=ChooseLanguage(language="ru"))
    builder.button(text="🇬🇧 English", callback_data=ChooseLanguage(language="en"))
    return builder.as_markup()


def confirm_erasure(language: Language) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=text(language, "delete.yes"), callback_data=ConfirmErasure(confirmed=True))
    builder.button(text=text(language, "delete.no"), callback_data=ConfirmErasure(confirmed=False))
    builder.adjust(1)
    return builder.as_markup()
