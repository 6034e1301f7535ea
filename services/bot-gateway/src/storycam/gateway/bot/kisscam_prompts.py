"""What Kiss Cam's prompt message says at each step: the photos received, the price, the choice made."""

from __future__ import annotations

from aiogram import Bot

from storycam.gateway.bot import kisscam_buttons
from storycam.gateway.bot.texts import Language, credits_phrase, text
from storycam.gateway.kisscam.collection import Collection
from storycam.gateway.kisscam.prices import Price
from storycam.gateway.kisscam.progress import edit_or_send
from storycam.gateway.kisscam.service import KissCam


def price_words(language: Language, price: Price, *, chosen: bool = False) -> str:
    """The price as offered; ``chosen``: as it reads once this clip is ordered (the allowance left after it)."""
    quote, allowances = price.quote, price.allowances
    if quote.source == "daily_allowance" and allowances is not None:
        return _allowance(language, "daily", allowances.classic_left_today, allowances.classic_per_day, chosen)
    if quote.source == "subscription_allowance" and allowances is not None:
        return _allowance(language, "included", allowances.ai_left_in_period, allowances.ai_in_period, chosen)
    if quote.source == "ai_trial":
        return text(language, "kisscam.price.trial")
    return credits_phrase(language, quote.credits) if quote.credits else text(language, "kisscam.price.free")


def _allowance(language: Language, kind: str, left: int, total: int, chosen: bool) -> str:
    if not chosen:
        return text(language, f"kisscam.price.{kind}", left=left, total=total)
    if left <= 1:
        return text(language, f"kisscam.price.{kind}.last")
    return text(language, f"kisscam.price.{kind}.chosen", left=left - 1, total=total)


def photos_words(language: Language, collection: Collection, kisscam: KissCam) -> str:
    if len(collection.photos) >= 2:
        return text(language, "kisscam.got_two")
    return text(language, "kisscam.got_one", minutes=kisscam.pair_window_minutes)


async def show_choice(bot: Bot, chat_id: int, language: Language, collection: Collection, kisscam: KissCam) -> None:
    """The prompt with the two kinds of video: edited in place when there is one, else sent (and remembered)."""
    words = photos_words(language, collection, kisscam)
    markup = kisscam_buttons.providers(language, collection.id, await kisscam.media.providers())
    shown = await edit_or_send(bot, chat_id, collection.prompt_message_id, words, markup)
    if shown != collection.prompt_message_id:
        collection.prompt_message_id = shown
        await kisscam.collections.save(chat_id, collection)
