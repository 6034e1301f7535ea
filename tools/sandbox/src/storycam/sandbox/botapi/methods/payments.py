"""Telegram Stars: invoices and invoice links (subscriptions included), the pre-checkout answer, refunds, and
canceling a subscription's renewal."""

from __future__ import annotations

import re
from typing import Any

from storycam.sandbox.botapi.calls import Handler, MethodCall
from storycam.sandbox.botapi.methods.outgoing import markup, send
from storycam.sandbox.config import SUBSCRIPTION_PERIOD
from storycam.sandbox.telegram.errors import BadRequest
from storycam.sandbox.telegram.messages import Message
from storycam.sandbox.telegram.payments import Invoice, PaymentAnswer

STARS = "XTR"
CURRENCY = re.compile(r"[A-Z]{3}")
MAX_SUBSCRIPTION_STARS = 10_000  # Telegram's ceiling for one period of a Stars subscription


def _is_amount(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _invoice(call: MethodCall) -> Invoice:
    params = call.params
    title, description = params.required_text("title"), params.required_text("description")
    payload, currency = params.required_text("payload"), params.required_text("currency")
    if not 1 <= len(title) <= 32:
        raise BadRequest("TITLE_INVALID")
    if not 1 <= len(description) <= 255:
        raise BadRequest("DESCRIPTION_INVALID")
    if not 1 <= len(payload.encode()) <= 128:
        raise BadRequest("PAYLOAD_INVALID")
    if not CURRENCY.fullmatch(currency):
        raise BadRequest("CURRENCY_INVALID")
    prices = params.structure("prices", "prices")
    if not isinstance(prices, list) or not prices:
        raise BadRequest("can't parse prices JSON object")
    amounts: list[int] = [
        price["amount"] for price in prices if isinstance(price, dict) and _is_amount(price.get("amount"))
    ]
    if len(amounts) != len(prices):
        raise BadRequest("can't parse prices JSON object")
    if currency == STARS and (len(prices) != 1 or params.integer("max_tip_amount", 0)):
        raise BadRequest("STARS_INVOICE_INVALID")  # Stars take exactly one price and no tips
    if currency != STARS and not params.text("provider_token"):
        raise BadRequest("PAYMENT_PROVIDER_INVALID")
    total = sum(amounts)
    if total <= 0:
        raise BadRequest("TOTAL_AMOUNT_INVALID")
    return Invoice(title, description, payload, currency, total, params.text("start_parameter") or "")


async def send_invoice(call: MethodCall) -> Any:
    invoice = _invoice(call)
    keyboard = markup(call)
    chat = call.bot.reachable_chat(call.params.chat_id())
    call.bot.flood.spend(chat.user.id)
    message = send(call, chat, keyboard, invoice=invoice.as_invoice())
    call.bot.payments.add_invoice(chat.user.id, message.message_id, invoice)
    return message.as_json()


async def create_invoice_link(call: MethodCall) -> Any:
    """A link anyone can pay (``https://t.me/$…``); with ``subscription_period`` a Stars subscription."""
    invoice = _invoice(call)
    period = call.params.integer("subscription_period")
    if period is not None:
        if invoice.currency != STARS or period != SUBSCRIPTION_PERIOD:  # only Stars, only 30 days
            raise BadRequest("SUBSCRIPTION_PERIOD_INVALID")
        if invoice.total_amount > MAX_SUBSCRIPTION_STARS:
            raise BadRequest("STARS_INVOICE_INVALID")
    return call.bot.payments.add_link(invoice, period).url


async def answer_pre_checkout_query(call: MethodCall) -> Any:
    params = call.params
    ok = params.flag("ok")
    error_message = params.text("error_message")
    if not ok and not error_message:
        raise BadRequest("ERROR_MESSAGE_EMPTY")
    call.bot.payments.answer(params.required_text("pre_checkout_query_id"), PaymentAnswer(ok, error_message))
    return True


async def refund_star_payment(call: MethodCall) -> Any:
    user_id = call.params.required_integer("user_id")
    charge = call.bot.payments.refund(user_id, call.params.required_text("telegram_payment_charge_id"))
    person = call.bot.people.get(user_id)
    chat = call.bot.chat_with(person)
    # The person sees the refund in the chat; the bot made it, so no update goes back to the bot.
    chat.post(
        Message(chat.next_message_id(), call.bot.identity, chat.as_chat, refunded_payment=charge.as_refunded_payment())
    )
    return True


async def edit_user_star_subscription(call: MethodCall) -> Any:
    """Cancel a subscription's renewal (paid time stays) or, with ``is_canceled`` false, undo the bot's own
    cancellation; a cancellation the person made is theirs to undo."""
    params = call.params
    user_id = params.required_integer("user_id")
    charge_id = params.required_text("telegram_payment_charge_id")
    if "is_canceled" not in params.values:
        raise BadRequest('parameter "is_canceled" is required')
    if call.bot.people.find(user_id) is None:
        raise BadRequest("invalid user_id specified")
    subscription = call.bot.payments.subscription(user_id, charge_id)
    if subscription is None:
        raise BadRequest("CHARGE_NOT_FOUND")
    if params.flag("is_canceled"):
        subscription.canceled_by = subscription.canceled_by or "bot"
    elif subscription.canceled_by == "bot":
        subscription.canceled_by = None
    return True


HANDLERS: dict[str, Handler] = {
    "sendInvoice": send_invoice,
    "createInvoiceLink": create_invoice_link,
    "editUserStarSubscription": edit_user_star_subscription,
    "answerPreCheckoutQuery": answer_pre_checkout_query,
    "refundStarPayment": refund_star_payment,
}
