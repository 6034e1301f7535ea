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
    taken = 1 if chosen else 0
    suffix = ".chosen" if chosen else ""
    if quote.source == "daily_allowance":
        if allowances is None:
            return text(language, "kisscam.price.free")
        left = max(0, allowances.classic_left_today - taken)
        return text(language, f"kisscam.price.daily{suffix}", left=left, per_day=allowances.classic_per_day)
    if quote.source == "ai_trial":
        return text(language, "kisscam.price.trial")
    if quote.source == "subscription_allowance":
        if allowances is None:
            return text(language, "kisscam.price.free")
        left = max(0, allowances.ai_left_in_period - taken)
        return text(language, f"kisscam.price.included{suffix}", left=left, total=allowances.ai_in_period)
    return credits_phrase(language, quote.credits) if quote.credits else text(language, "kisscam.price.free")


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
