"""Inline keyboards and the callback data they carry."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Literal

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from storycam.contracts.payments import PaymentProvider
from storycam.gateway.bot.texts import Language, text

MenuItem = Literal["stories", "kisscam", "premium", "help"]


class Menu(CallbackData, prefix="menu"):
    item: MenuItem


class ChooseLanguage(CallbackData, prefix="lang"):
    language: Language


class ConfirmErasure(CallbackData, prefix="erase"):
    """``ticket`` names the one confirmation these buttons belong to: it works once, and only while it is fresh."""

    confirmed: bool
    ticket: str


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


class PremiumOffers(CallbackData, prefix="po"):
    """What is for sale; ``story`` is the story a paywall stood in (it goes on once paid), ``product`` narrows the
    offers to one (a renewal button)."""

    story: str = ""
    product: str = ""


class Buy(CallbackData, prefix="buy"):
    product: str
    provider: PaymentProvider
    story: str = ""


class CancelReceipt(CallbackData, prefix="rc"):
    """Not giving a contact for the receipt: the card purchase is not opened."""


class RenewalToggle(CallbackData, prefix="rn"):
    on: bool


def fits(data: CallbackData) -> bool:
    """Whether the data packs within Telegram's 64 bytes (aiogram refuses to pack more)."""
    try:
        data.pack()
    except ValueError:
        return False
    return True


def buttons(items: Iterable[tuple[str, CallbackData]], *, per_row: int = 1) -> InlineKeyboardMarkup:
    """A keyboard of callback buttons, ``per_row`` to a row.

    Made directly rather than with aiogram's InlineKeyboardBuilder, which deep-copies every button on export: a
    tenth of an update worker's CPU in the ingress bench went to building the main menu that way.
    """
    made = [InlineKeyboardButton(text=label, callback_data=data.pack()) for label, data in items]
    return InlineKeyboardMarkup(inline_keyboard=[made[i : i + per_row] for i in range(0, len(made), per_row)])


# The fixed keyboards are made once per language. Nothing changes a markup once made: aiogram only reads it.
@functools.cache
def main_menu(language: Language) -> InlineKeyboardMarkup:
    items: tuple[MenuItem, ...] = ("stories", "kisscam", "premium", "help")
    return buttons(((text(language, f"menu.{item}"), Menu(item=item)) for item in items), per_row=2)


@functools.cache
def languages() -> InlineKeyboardMarkup:
    return buttons(
        [("🇷🇺 Русский", ChooseLanguage(language="ru")), ("🇬🇧 English", ChooseLanguage(language="en"))], per_row=2
    )


@functools.cache
def confirm_erasure(language: Language, ticket: str) -> InlineKeyboardMarkup:
    return buttons(
        [
            (text(language, "delete.yes"), ConfirmErasure(confirmed=True, ticket=ticket)),
            (text(language, "delete.no"), ConfirmErasure(confirmed=False, ticket=ticket)),
        ]
    )


async def remove_buttons(bot: Bot, chat_id: int, message_id: int) -> None:
    """Take a message's buttons away (a used choice, an answered question); gone already is fine."""
    try:
        await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id)
    except TelegramBadRequest as exc:
        if "not modified" not in exc.message:  # a double tap: the first already removed them
            raise
