"""Money and dates as the user reads them, in their language."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Final

from storycam.gateway.bot.texts import Language

_DATE_FORMAT: Final[dict[Language, str]] = {"ru": "%d.%m.%Y", "en": "%B %d, %Y"}


def price(amount: Decimal, currency: str, language: Language) -> str:
    """``250 ⭐``, ``500 ₽``, ``499,90 ₽`` / ``499.90 ₽``: whole amounts without kopecks."""
    if currency == "XTR":
        return f"{int(amount)} ⭐"
    whole = amount == amount.to_integral_value()
    number = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    if language == "ru":
        number = number.replace(",", " ").replace(".", ",")
    return f"{number} ₽" if currency == "RUB" else f"{number} {currency}"


def day(moment: datetime, language: Language) -> str:
    return moment.strftime(_DATE_FORMAT[language])
