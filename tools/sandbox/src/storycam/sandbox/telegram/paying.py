"""What a simulated person does to pay the bot: an invoice, an invoice link, a Stars subscription's renewals."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from storycam.sandbox.telegram.accounts import Account, Json
from storycam.sandbox.telegram.bot import BotAccount
from storycam.sandbox.telegram.chats import PrivateChat
from storycam.sandbox.telegram.messages import Message
from storycam.sandbox.telegram.payments import Charge, Invoice, InvoiceLink, Subscription
from storycam.sandbox.telegram.refusals import NotNow, UnknownMessage
from storycam.sandbox.telegram.user_actions import open_chat, send


@dataclass(frozen=True)
class PaymentOutcome:
    status: str  # "paid" | "declined" | "timeout"
    message: Message | None = None
    error_message: str | None = None

    def as_json(self) -> Json:
        outcome: Json = {"status": self.status}
        if self.message is not None:
            outcome["message"] = self.message.as_json()
        if self.error_message is not None:
            outcome["error_message"] = self.error_message
        return outcome


async def _pre_checkout(bot: BotAccount, person: Account, invoice: Invoice) -> PaymentOutcome | None:
    """The ``pre_checkout_query`` and the bot's answer: None when it said ok in time, else the failed outcome."""
    query = bot.payments.open_pre_checkout(person.id, invoice)
    bot.deliver(
        "pre_checkout_query",
        {
            "id": query.id,
            "from": person.as_user(),
            "currency": invoice.currency,
            "total_amount": invoice.total_amount,
            "invoice_payload": invoice.payload,
        },
    )
    try:
        async with asyncio.timeout(bot.config.pre_checkout_timeout):
            answer = await query.answer
    except TimeoutError:
        return PaymentOutcome("timeout", error_message="The bot did not confirm the payment in time.")
    finally:
        bot.payments.close_pre_checkout(query)
    return None if answer.ok else PaymentOutcome("declined", error_message=answer.error_message)


def _receipt(bot: BotAccount, chat: PrivateChat, person: Account, charge: Charge) -> PaymentOutcome:
    """The ``successful_payment`` service message, in the chat and to the bot."""
    receipt = Message(chat.next_message_id(), person, chat.as_chat, successful_payment=charge.as_successful_payment())
    return PaymentOutcome("paid", message=send(bot, chat, receipt))


async def pay(bot: BotAccount, person: Account, message_id: int) -> PaymentOutcome:
    """Press Pay: a ``pre_checkout_query`` to the bot, then ``successful_payment`` once it answers ok in time."""
    chat = open_chat(bot, person)
    invoice = bot.payments.invoice(person.id, message_id)
    if invoice is None:
        raise UnknownMessage(f"Message {message_id} is not an invoice of this chat.")
    if message_id in chat.paid_invoices:
        raise NotNow("This invoice is already paid.")
    outcome = await _pre_checkout(bot, person, invoice)
    if outcome is None:
        chat.paid_invoices.add(message_id)
        outcome = _receipt(bot, chat, person, bot.payments.charge(person.id, invoice))
    chat.publish({"type": "payment", "invoice_message_id": message_id} | outcome.as_json())
    return outcome


def invoice_link(bot: BotAccount, url: str) -> InvoiceLink:
    link = bot.payments.link(url)
    if link is None:
        raise UnknownMessage("The bot made no such invoice link (createInvoiceLink).")
    return link


async def pay_link(bot: BotAccount, person: Account, url: str) -> PaymentOutcome:
    """Open an invoice link (``https://t.me/$…``) and press Pay: one payment, or a subscription's first one."""
    link = invoice_link(bot, url)
    chat = open_chat(bot, person)
    if link.subscription_period is not None and bot.payments.active_subscription(person.id, link) is not None:
        raise NotNow("This person is already subscribed through this link.")
    outcome = await _pre_checkout(bot, person, link.invoice)
    if outcome is None:
        if link.subscription_period is None:
            charge = bot.payments.charge(person.id, link.invoice)
        else:
            charge = bot.payments.subscribe(person.id, link)
        outcome = _receipt(bot, chat, person, charge)
    chat.publish({"type": "payment", "invoice_link": link.url} | outcome.as_json())
    return outcome


def _subscription(bot: BotAccount, person: Account, charge_id: str) -> Subscription:
    subscription = bot.payments.subscription(person.id, charge_id)
    if subscription is None:
        raise UnknownMessage(f"{charge_id} is not a subscription payment of this person.")
    return subscription


def renew_subscription(bot: BotAccount, person: Account, charge_id: str) -> PaymentOutcome:
    """The period ended: Telegram takes the next payment (no pre-checkout query) unless the subscription was
    canceled, by the person or by the bot, in which case it simply ends."""
    subscription = _subscription(bot, person, charge_id)
    if subscription.canceled_by is not None:
        raise NotNow(f"The subscription was canceled by the {subscription.canceled_by}; it ends, not renews.")
    chat = open_chat(bot, person)
    return _receipt(bot, chat, person, bot.payments.renew(subscription))


def cancel_subscription(bot: BotAccount, person: Account, charge_id: str) -> Subscription:
    """The person cancels in Telegram's settings: paid time stays, nothing renews; the bot is not told."""
    subscription = _subscription(bot, person, charge_id)
    subscription.canceled_by = "user"
    return subscription
