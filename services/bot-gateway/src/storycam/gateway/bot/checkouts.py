"""A checkout, shown in the chat: a Stars invoice, a Stars subscription link, or a link to the card checkout."""

from __future__ import annotations

import html
from decimal import Decimal

from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, LabeledPrice

from storycam.contracts.payments import Checkout, StarsInvoice
from storycam.gateway.bot.formats import price
from storycam.gateway.bot.texts import Language, text


async def show_checkout(
    bot: Bot, chat_id: int, checkout: Checkout, title: str, shown_price: str, language: Language
) -> bool:
    """Send what lets the user pay (``title`` and ``shown_price`` from the offer bought); False when the checkout
    holds nothing to pay with (the caller says so)."""
    if checkout.stars_invoice is not None:
        await _stars(bot, chat_id, checkout.stars_invoice, language)
        return True
    if checkout.confirmation_url is not None:
        await _link(bot, chat_id, checkout.confirmation_url, title, shown_price, language)
        return True
    return False


async def _stars(bot: Bot, chat_id: int, invoice: StarsInvoice, language: Language) -> None:
    prices = [LabeledPrice(label=invoice.title, amount=invoice.amount)]
    if invoice.subscription_period is None:
        # One payment: Telegram's invoice with its own Pay button. Stars take one price and no provider token.
        await bot.send_invoice(
            chat_id, invoice.title, invoice.description, invoice.payload, invoice.currency, prices, provider_token=""
        )
        return
    # A subscription cannot be an invoice message: Telegram renews only what was bought through an invoice link.
    link = await bot.create_invoice_link(
        invoice.title,
        invoice.description,
        invoice.payload,
        invoice.currency,
        prices,
        provider_token="",
        subscription_period=invoice.subscription_period,
    )
    stars = price(Decimal(invoice.amount), "XTR", language)
    body = text(
        language,
        "premium.pay.stars_subscription",
        title=html.escape(invoice.title),
        description=html.escape(invoice.description),
        price=stars,
    )
    button = InlineKeyboardButton(text=text(language, "premium.button.subscribe", price=stars), url=link)
    await bot.send_message(chat_id, body, reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]))


async def _link(bot: Bot, chat_id: int, url: str, title: str, shown_price: str, language: Language) -> None:
    """YooKassa's checkout page or YooMoney's form; its return URL brings the user back to the bot."""
    body = text(language, "premium.pay.link", title=html.escape(title), price=shown_price)
    button = InlineKeyboardButton(text=text(language, "premium.button.pay", price=shown_price), url=url)
    await bot.send_message(chat_id, body, reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]))
