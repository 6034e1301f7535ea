"""Invoices, pre-checkout queries and Stars charges.

Paying is Telegram's three-step dance: the person presses Pay, the bot gets a ``pre_checkout_query`` and must
answer it within 10 seconds; only an ``ok`` answer completes the payment, which reaches the bot as a message with
``successful_payment``. A charge can be refunded once.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field

from storycam.sandbox.telegram.accounts import Json
from storycam.sandbox.telegram.errors import BadRequest

QUERY_EXPIRED = "query is too old and response timeout expired or query ID is invalid"


@dataclass(frozen=True)
class Invoice:
    title: str
    description: str
    payload: str
    currency: str
    total_amount: int
    start_parameter: str = ""

    def as_invoice(self) -> Json:
        return {
            "title": self.title,
            "description": self.description,
            "start_parameter": self.start_parameter,
            "currency": self.currency,
            "total_amount": self.total_amount,
        }


@dataclass(frozen=True)
class PaymentAnswer:
    ok: bool
    error_message: str | None = None


@dataclass
class PreCheckout:
    id: str
    user_id: int
    invoice: Invoice
    answer: asyncio.Future[PaymentAnswer] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


@dataclass
class Charge:
    telegram_payment_charge_id: str
    user_id: int
    invoice: Invoice
    refunded: bool = False

    def as_successful_payment(self) -> Json:
        return {
            "currency": self.invoice.currency,
            "total_amount": self.invoice.total_amount,
            "invoice_payload": self.invoice.payload,
            "telegram_payment_charge_id": self.telegram_payment_charge_id,
            "provider_payment_charge_id": "",
        }

    def as_refunded_payment(self) -> Json:
        return {
            "currency": self.invoice.currency,
            "total_amount": self.invoice.total_amount,
            "invoice_payload": self.invoice.payload,
            "telegram_payment_charge_id": self.telegram_payment_charge_id,
        }


class Payments:
    def __init__(self) -> None:
        self._invoices: dict[tuple[int, int], Invoice] = {}
        self._queries: dict[str, PreCheckout] = {}
        self._charges: dict[str, Charge] = {}

    def add_invoice(self, chat_id: int, message_id: int, invoice: Invoice) -> None:
        self._invoices[chat_id, message_id] = invoice

    def invoice(self, chat_id: int, message_id: int) -> Invoice | None:
        return self._invoices.get((chat_id, message_id))

    def open_pre_checkout(self, user_id: int, invoice: Invoice) -> PreCheckout:
        query = PreCheckout(id=str(secrets.randbelow(10**18)), user_id=user_id, invoice=invoice)
        self._queries[query.id] = query
        return query

    def close_pre_checkout(self, query: PreCheckout) -> None:
        """After the answer or the deadline: a later answer is refused as too old."""
        self._queries.pop(query.id, None)

    def answer(self, query_id: str, answer: PaymentAnswer) -> None:
        query = self._queries.pop(query_id, None)
        if query is None or query.answer.done():
            raise BadRequest(QUERY_EXPIRED)
        query.answer.set_result(answer)

    def charge(self, user_id: int, invoice: Invoice) -> Charge:
        charge = Charge("stxsbx" + secrets.token_urlsafe(24), user_id, invoice)
        self._charges[charge.telegram_payment_charge_id] = charge
        return charge

    def refund(self, user_id: int, charge_id: str) -> Charge:
        charge = self._charges.get(charge_id)
        if charge is None or charge.user_id != user_id:
            raise BadRequest("CHARGE_NOT_FOUND")
        if charge.refunded:
            raise BadRequest("CHARGE_ALREADY_REFUNDED")
        charge.refunded = True
        return charge
