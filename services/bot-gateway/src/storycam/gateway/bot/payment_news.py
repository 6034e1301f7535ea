"""``payments.events`` in words: what the user is told about their payments, in their language."""

from __future__ import annotations

import html

from aiogram.types import InlineKeyboardMarkup

from storycam.contracts.payments import (
    PaymentCanceled,
    PaymentRefunded,
    PaymentSucceeded,
    SubscriptionEnding,
    SubscriptionExpired,
)
from storycam.gateway.bot.formats import day, price
from storycam.gateway.bot.keyboards import PremiumOffers, buttons
from storycam.gateway.bot.texts import Language, text

_CANCEL_REASONS = frozenset(
    {"expired_on_confirmation", "canceled_by_merchant", "insufficient_funds", "card_expired", "permission_revoked"}
)

News = tuple[str, InlineKeyboardMarkup | None]


def succeeded(event: PaymentSucceeded, language: Language) -> str:
    title = html.escape(getattr(event.title, language))
    if event.renewal:
        lines = [text(language, "news.renewed", title=title, price=price(event.amount, event.currency, language))]
    else:
        lines = [text(language, "news.succeeded", title=title)]
    if event.premium_until is not None:
        lines.append(text(language, "news.premium_until", date=day(event.premium_until, language)))
    if event.credits_added:
        lines.append(text(language, "news.credits_added", credits=event.credits_added))
    lines.append(text(language, "news.resuming" if event.resume is not None else "news.enjoy"))
    return "\n".join(lines)


def canceled(event: PaymentCanceled, title: str | None, language: Language) -> str:
    reason = text(language, f"news.cancel_reason.{event.reason}") if event.reason in _CANCEL_REASONS else ""
    shown = html.escape(title) if title else text(language, "news.your_purchase")
    return text(language, "news.canceled", title=shown, reason=reason)


def refunded(event: PaymentRefunded, language: Language) -> str:
    title = html.escape(getattr(event.title, language))
    lines = [text(language, "news.refunded", price=price(event.amount, event.currency, language), title=title)]
    if event.credits_taken:
        lines.append(text(language, "news.credits_taken", credits=event.credits_taken))
    if event.premium_until is not None:
        lines.append(text(language, "news.premium_left", date=day(event.premium_until, language)))
    else:
        lines.append(text(language, "news.premium_gone"))
    return "\n".join(lines)


def ending(event: SubscriptionEnding, language: Language) -> News:
    days = (
        text(language, f"news.days.{event.days_left}")
        if event.days_left in (1, 3)
        else text(language, "news.days.other", n=event.days_left)
    )
    lines = [text(language, "news.ending", days=days, date=day(event.ends_at, language))]
    if event.auto_renew:
        lines.append(text(language, "news.ending.auto"))
        return "\n".join(lines), None
    lines.append(text(language, "news.ending.manual"))
    return "\n".join(lines), renew_button(event.product_id, language)


def expired(event: SubscriptionExpired, language: Language) -> News:
    return text(language, "news.expired"), renew_button(event.product_id, language)


def renew_button(product_id: str, language: Language) -> InlineKeyboardMarkup:
    """Opens /premium's checkout choice for that product (or every offer, if it is no longer sold)."""
    return buttons([(text(language, "news.button.renew"), PremiumOffers(product=product_id[:32]))])
