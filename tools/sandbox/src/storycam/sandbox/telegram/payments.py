"""Invoices, invoice links, pre-checkout queries, Stars charges and Stars subscriptions.

Paying is Telegram's three-step dance: the person presses Pay, the bot gets a ``pre_checkout_query`` and must
answer it within 10 seconds; only an ``ok`` answer completes the payment, which reaches the bot as a message with
``successful_payment``. A charge can be refunded once.

An invoice link with a ``subscription_period`` sells a Stars subscription: the first payment is the dance above,
each renewal (once a period, unless canceled by the person or the bot) is a charge of its own that reaches the bot
as another ``successful_payment`` with ``is_recurring``, without a pre-checkout query.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import Literal

from storycam.sandbox.telegram.accounts import Json
from storycam.sandbox.telegram.errors import BadRequest

QUERY_EXPIRED = "query is too old and response timeout expired or query ID is invalid"
LINK_PREFIX = "https://t.me/$"
CanceledBy = Literal["user", "bot"]


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


@dataclass(frozen=True)
class InvoiceLink:
    slug: str
    invoice: Invoice
    subscription_period: int | None = None

    @property
    def url(self) -> str:
        return LINK_PREFIX + self.slug

    def as_json(self) -> Json:
        link: Json = {"url": self.url, "invoice": self.invoice.as_invoice()}
        if self.subscription_period is not None:
            link["subscription_period"] = self.subscription_period
        return link


@dataclass
class Subscription:
    """A person's Stars subscription bought through an invoice link: paid up to ``expires_at`` (unix time)."""

    user_id: int
    link: InvoiceLink
    period: int
    expires_at: int
    canceled_by: CanceledBy | None = None
    charge_ids: list[str] = field(default_factory=list)

    def active(self, now: int) -> bool:
        return now < self.expires_at

    def as_json(self) -> Json:
        return {
            "user_id": self.user_id,
            "invoice_link": self.link.url,
            "title": self.link.invoice.title,
            "total_amount": self.link.invoice.total_amount,
            "subscription_period": self.period,
            "subscription_expiration_date": self.expires_at,
            "canceled_by": self.canceled_by,
            "telegram_payment_charge_ids": list(self.charge_ids),
        }


@dataclass
class Charge:
    telegram_payment_charge_id: str
    user_id: int
    invoice: Invoice
    refunded: bool = False
    subscription: Subscription | None = None
    is_first_recurring: bool = False

    def as_successful_payment(self) -> Json:
        payment: Json = {
            "currency": self.invoice.currency,
            "total_amount": self.invoice.total_amount,
            "invoice_payload": self.invoice.payload,
            "telegram_payment_charge_id": self.telegram_payment_charge_id,
            "provider_payment_charge_id": "",
        }
        if self.subscription is not None:
            payment["subscription_expiration_date"] = self.subscription.expires_at
            payment["is_recurring"] = True
            if self.is_first_recurring:
                payment["is_first_recurring"] = True
        return payment

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
        self._links: dict[str, InvoiceLink] = {}
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

    def add_link(self, invoice: Invoice, subscription_period: int | None) -> InvoiceLink:
        link = InvoiceLink(secrets.token_urlsafe(16), invoice, subscription_period)
        self._links[link.slug] = link
        return link

    def link(self, url: str) -> InvoiceLink | None:
        """The link an ``https://t.me/$<slug>`` URL (or the bare slug) names."""
        return self._links.get(url.removeprefix(LINK_PREFIX))

    def charge(self, user_id: int, invoice: Invoice) -> Charge:
        charge = Charge("stxsbx" + secrets.token_urlsafe(24), user_id, invoice)
        self._charges[charge.telegram_payment_charge_id] = charge
        return charge

    def subscribe(self, user_id: int, link: InvoiceLink) -> Charge:
        """The first payment of a subscription: paid for one period from now."""
        assert link.subscription_period is not None
        subscription = Subscription(user_id, link, link.subscription_period, now() + link.subscription_period)
        return self._recurring(subscription, first=True)

    def renew(self, subscription: Subscription) -> Charge:
        """The next period's payment, as Telegram takes it when the period ends: from the old end, not from now."""
        subscription.expires_at += subscription.period
        return self._recurring(subscription, first=False)

    def _recurring(self, subscription: Subscription, *, first: bool) -> Charge:
        charge = self.charge(subscription.user_id, subscription.link.invoice)
        charge.subscription, charge.is_first_recurring = subscription, first
        subscription.charge_ids.append(charge.telegram_payment_charge_id)
        return charge

    def subscription(self, user_id: int, charge_id: str) -> Subscription | None:
        """The subscription one of its charges names (any of them: the first or a renewal)."""
        charge = self._charges.get(charge_id)
        if charge is None or charge.user_id != user_id:
            return None
        return charge.subscription

    def subscriptions(self, user_id: int) -> list[Subscription]:
        seen: dict[int, Subscription] = {}
        for charge in self._charges.values():
            if charge.user_id == user_id and charge.subscription is not None:
                seen.setdefault(id(charge.subscription), charge.subscription)
        return list(seen.values())

    def active_subscription(self, user_id: int, link: InvoiceLink) -> Subscription | None:
        return next((s for s in self.subscriptions(user_id) if s.link.slug == link.slug and s.active(now())), None)

    def refund(self, user_id: int, charge_id: str) -> Charge:
        charge = self._charges.get(charge_id)
        if charge is None or charge.user_id != user_id:
            raise BadRequest("CHARGE_NOT_FOUND")
        if charge.refunded:
            raise BadRequest("CHARGE_ALREADY_REFUNDED")
        charge.refunded = True
        return charge


def now() -> int:
    return int(time.time())
