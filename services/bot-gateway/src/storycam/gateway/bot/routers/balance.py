"""/balance: the user's subscription and credits, as the payments service knows them."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from storycam.gateway.bot.texts import Language, text
from storycam.gateway.clients.payments import PaymentsClient, PaymentsUnavailable
from storycam.kit.logging import get_logger

log = get_logger(__name__)

_DATE_FORMAT = {"ru": "%d.%m.%Y", "en": "%B %d, %Y"}


async def balance(message: Message, language: Language, payments: PaymentsClient) -> None:
    if message.from_user is None:
        return
    try:
        entitlements = await payments.entitlements(message.from_user.id)
    except PaymentsUnavailable as exc:
        log.warning("payments.unavailable", error=str(exc))
        await message.answer(text(language, "balance.unavailable"))
        return
    if entitlements.premium and entitlements.premium_until is not None:
        subscription = text(
            language, "balance.premium_until", date=entitlements.premium_until.strftime(_DATE_FORMAT[language])
        )
    else:
        subscription = text(language, "balance.no_premium")
    await message.answer(text(language, "balance", subscription=subscription, credits=entitlements.credits))


def build_router() -> Router:
    router = Router(name="balance")
    router.message.register(balance, Command("balance"))
    return router
