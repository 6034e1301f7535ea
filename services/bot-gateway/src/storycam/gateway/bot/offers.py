"""What is for sale, as a message: each offer with its prices, and a button per offer and way to pay."""

from __future__ import annotations

import html

from aiogram.types import InlineKeyboardMarkup

from storycam.contracts.payments import Offer, OfferPrice, Offers
from storycam.gateway.bot.formats import price
from storycam.gateway.bot.keyboards import Buy, buttons, fits
from storycam.gateway.bot.texts import Language, text

_BUTTON_TEXT_LIMIT = 64


def on_sale(offers: Offers, product: str = "") -> list[tuple[Offer, list[OfferPrice]]]:
    """The offers (only ``product`` when given) with the prices of the providers offered now; none without any."""
    found = []
    for offer in offers.offers:
        prices = [p for p in offer.prices if p.provider in offers.providers]
        if prices and (not product or offer.product_id == product):
            found.append((offer, prices))
    return found


def offers_text(sale: list[tuple[Offer, list[OfferPrice]]], language: Language) -> str:
    blocks = []
    for offer, prices in sale:
        title = getattr(offer.title, language)
        blocks.append(
            text(
                language,
                "premium.offer",
                title=html.escape(title),
                prices=text(language, "premium.offer.or").join(_distinct_prices(prices, language)),
                description=html.escape(getattr(offer.description, language)),
            )
        )
    return text(language, "premium.offers", offers="\n\n".join(blocks))


def offers_keyboard(sale: list[tuple[Offer, list[OfferPrice]]], language: Language, story: str) -> InlineKeyboardMarkup:
    items = []
    for offer, prices in sale:
        title = getattr(offer.title, language)
        for offered in prices:
            way = text(language, f"provider.{offered.provider}")
            if offered.currency == "XTR":  # the price already ends in ⭐: said once
                way = way.removeprefix("⭐ ")
            label = f"{way} · {title} · "
            label = _shorten(label, price(offered.amount, offered.currency, language))
            data = Buy(product=offer.product_id, provider=offered.provider, story=story)
            if story and not fits(data):  # a long product id: the purchase still works, the story is not resumed
                data = Buy(product=offer.product_id, provider=offered.provider)
            items.append((label, data))
    return buttons(items)


def _distinct_prices(prices: list[OfferPrice], language: Language) -> list[str]:
    """``500 ₽ or 250 ⭐``: the card and the wallet ask the same roubles, said once."""
    said: list[str] = []
    for offered in prices:
        shown = price(offered.amount, offered.currency, language)
        if shown not in said:
            said.append(shown)
    return said


def _shorten(head: str, tail: str) -> str:
    room = _BUTTON_TEXT_LIMIT - len(tail)
    return (head if len(head) <= room else head[: room - 2].rstrip() + "… ") + tail
