"""Telegram Stars in the chat: the pre-checkout question (answered within Telegram's 10 s) and the payment itself.

The user hears what they got from ``payments.events`` (see ``payment_news``), once payments has granted it.
"""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import Message, PreCheckoutQuery

from storycam.contracts.payments import PreCheckoutRequest, PreCheckoutVerdict, StarsPayment
from storycam.gateway.bot.texts import Language, text
from storycam.gateway.clients.payments import PaymentsClient, PaymentsRefused, PaymentsUnavailable
from storycam.kit.logging import get_logger

log = get_logger(__name__)

_REASONS = frozenset({"already_paid", "price_changed"})


async def pre_checkout(
    query: PreCheckoutQuery, language: Language, payments: PaymentsClient, bot: Bot, pre_checkout_seconds: float
) -> None:
    """May Telegram take this money? Payments decides; when it is slow or away, a kind no before the deadline."""
    request = PreCheckoutRequest(
        user_id=query.from_user.id,
        payload=query.invoice_payload[:128],
        currency=query.currency[:8],
        total_amount=query.total_amount,
    )
    try:
        async with asyncio.timeout(pre_checkout_seconds):
            verdict = await payments.pre_checkout(request)
    except (TimeoutError, PaymentsUnavailable) as exc:
        log.warning("stars.pre_checkout_unanswered", error=f"{type(exc).__name__}: {exc}"[:200])
        verdict = PreCheckoutVerdict(ok=False, reason="unavailable")
    except PaymentsRefused as exc:
        log.info("stars.pre_checkout_refused", status=exc.status, code=exc.code)
        verdict = PreCheckoutVerdict(ok=False, reason="declined")
    error = None if verdict.ok else text(language, _reason_key(verdict.reason))
    log.info("stars.pre_checkout_answered", ok=verdict.ok, reason=verdict.reason)
    try:
        await bot.answer_pre_checkout_query(query.id, ok=verdict.ok, error_message=error)
    except TelegramBadRequest as exc:
        # Too late (Telegram's 10 s passed, or a redone update): the person's Pay already failed on their side and
        # nothing was charged; a retry cannot help.
        log.warning("stars.pre_checkout_late", reason=exc.message[:120])


def _reason_key(reason: str | None) -> str:
    if reason == "unavailable":
        return "stars.precheckout.unavailable"
    return f"stars.precheckout.{reason}" if reason in _REASONS else "stars.precheckout.declined"


async def successful_payment(message: Message, language: Language, payments: PaymentsClient, bot: Bot) -> None:
    """Telegram took the Stars (first payment or a renewal): payments must hear of it, whatever it takes."""
    paid = message.successful_payment
    if paid is None or message.from_user is None:
        return
    report = StarsPayment(
        user_id=message.from_user.id,
        chat_id=message.chat.id,
        payload=paid.invoice_payload[:128],
        currency=paid.currency[:8],
        total_amount=paid.total_amount,
        telegram_payment_charge_id=paid.telegram_payment_charge_id,
        provider_payment_charge_id=paid.provider_payment_charge_id or None,
        subscription_expiration_date=paid.subscription_expiration_date,
        is_recurring=bool(paid.is_recurring),
        is_first_recurring=bool(paid.is_first_recurring),
    )
    try:
        outcome = await payments.report_stars_payment(report)
    except PaymentsUnavailable:
        # The update is tried again (and dead-lettered with the charge, for an operator, if payments stays away);
        # the user hears now that the money is seen. A redo replays this message instead of sending it again.
        await bot.send_message(message.chat.id, text(language, "stars.payment.confirming"))
        raise
    except PaymentsRefused as exc:
        log.error("stars.payment_refused", status=exc.status, code=exc.code, charge=paid.telegram_payment_charge_id)
        await bot.send_message(message.chat.id, text(language, "stars.payment.unmatched"))
        return
    log.info(
        "stars.payment_reported",
        purchase_id=str(outcome.purchase_id),
        granted=outcome.granted,
        recurring=report.is_recurring,
    )
    if not outcome.granted and outcome.status != "succeeded":
        # Not a repeat of a granted payment: payments could not match it to what was sold.
        await bot.send_message(message.chat.id, text(language, "stars.payment.unmatched"))


def build_router() -> Router:
    router = Router(name="stars")
    router.pre_checkout_query.register(pre_checkout)
    router.message.register(successful_payment, F.successful_payment)
    return router
