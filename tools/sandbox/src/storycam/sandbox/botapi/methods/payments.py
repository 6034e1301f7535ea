"""Telegram Stars: invoices, the pre-checkout answer, refunds."""

from __future__ import annotations

import re
from typing import Any

from storycam.sandbox.botapi.calls import Handler, MethodCall
from storycam.sandbox.botapi.methods.outgoing import markup, send
from storycam.sandbox.telegram.errors import BadRequest
from storycam.sandbox.telegram.messages import Message
from storycam.sandbox.telegram.payments import Invoice, PaymentAnswer

STARS = "XTR"
CURRENCY = re.compile(r"[A-Z]{3}")


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


HANDLERS: dict[str, Handler] = {
    "sendInvoice": send_invoice,
    "answerPreCheckoutQuery": answer_pre_checkout_query,
    "refundStarPayment": refund_star_payment,
}
