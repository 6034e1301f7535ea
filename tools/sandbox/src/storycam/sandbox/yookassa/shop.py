"""The emulated shop: its payments and refunds, the Idempotence-Keys it has seen, failures forced by a test, and
the notifications each change of state sends to the shop's webhook."""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from storycam.sandbox.config import YooKassaConfig
from storycam.sandbox.notifications import Delivery, Notifier
from storycam.sandbox.yookassa.errors import internal_error, invalid_request, not_found
from storycam.sandbox.yookassa.objects import CAPTURE_WINDOW, Payment, Refund, object_id
from storycam.sandbox.yookassa.requests import PaymentBody, RefundBody

Operation = Literal["payments", "refunds"]

# Why a payment was canceled, as YooKassa's cancellation_details name it, and who canceled it.
CANCELLATION_PARTIES = {
    "expired_on_confirmation": "yoo_money",  # the person left the page without paying
    "insufficient_funds": "payment_network",
    "3d_secure_failed": "payment_network",
    "card_expired": "payment_network",
    "fraud_suspected": "yoo_money",
    "canceled_by_merchant": "merchant",
}


@dataclass(frozen=True)
class ForcedFailure:
    """The next create answers 500; ``after_create``: the object is made all the same (the outcome YooKassa's
    500 warns of: "unknown"), so only a retry with the same Idempotence-Key learns of it."""

    operation: Operation
    after_create: bool = False


@dataclass(frozen=True)
class Remembered:
    fingerprint: str
    operation: Operation
    object_id: str


def fingerprint(operation: Operation, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{operation}\n{canonical}".encode()).hexdigest()


class YooKassaShop:
    def __init__(self, config: YooKassaConfig) -> None:
        self.config = config
        self.webhook_url = config.webhook_url
        self.notifier = Notifier(config.delivery, config.source_address)
        self.payments: dict[str, Payment] = {}
        self.refunds: dict[str, Refund] = {}
        self._keys: dict[str, Remembered] = {}
        self._failures: deque[ForcedFailure] = deque()
        self.create_calls: dict[Operation, int] = {"payments": 0, "refunds": 0}

    # ---- idempotence and forced failures ------------------------------------------------------------------

    def replay(self, key: str, operation: Operation, body: dict[str, Any]) -> dict[str, Any] | None:
        """The object a repeated request made, as it is now; None for a key not seen; 400 for a key seen with
        another request."""
        seen = self._keys.get(key)
        if seen is None:
            return None
        if seen.fingerprint != fingerprint(operation, body):
            raise invalid_request("Idempotence key duplicated", "Idempotence-Key")
        return self._object(seen).as_json()

    def remember(self, key: str, operation: Operation, body: dict[str, Any], made: Payment | Refund) -> None:
        self._keys[key] = Remembered(fingerprint(operation, body), operation, made.id)

    def force_failures(self, failure: ForcedFailure, count: int) -> None:
        self._failures.extend([failure] * count)

    def next_failure(self, operation: Operation) -> ForcedFailure | None:
        self.create_calls[operation] += 1
        if self._failures and self._failures[0].operation == operation:
            failure = self._failures.popleft()
            if not failure.after_create:
                raise internal_error()
            return failure
        return None

    def _object(self, seen: Remembered) -> Payment | Refund:
        return self.payments[seen.object_id] if seen.operation == "payments" else self.refunds[seen.object_id]

    # ---- payments -------------------------------------------------------------------------------------------

    def create_payment(self, body: PaymentBody, checkout_url: Callable[[str], str]) -> Payment:
        if body.receipt is not None and body.receipt.total() != body.amount.value:
            raise invalid_request("The sum of the receipt's items does not match the payment amount.", "receipt.items")
        payment_id = object_id()
        payment = Payment(
            id=payment_id,
            amount=body.amount.value,
            currency=body.amount.currency,
            capture=body.capture,
            return_url=body.confirmation.return_url,
            confirmation_url=checkout_url(payment_id),
            description=body.description,
            metadata=dict(body.metadata),
            commission_percent=Decimal(self.config.commission_percent),
            receipt_registration="pending" if body.receipt is not None else None,
        )
        self.payments[payment.id] = payment
        return payment

    def payment(self, payment_id: str) -> Payment:
        payment = self.payments.get(payment_id)
        if payment is None:
            raise not_found(f"Payment {payment_id} doesn't exist.")
        return payment

    def pay(self, payment: Payment) -> None:
        """The person paid on the checkout page: captured at once, or held for the shop to capture."""
        now = datetime.now(UTC)
        if payment.capture:
            payment.status, payment.captured_at = "succeeded", now
            payment.receipt_registration = "succeeded" if payment.receipt_registration else None
            self.notify("payment.succeeded", payment)
        else:
            payment.status, payment.expires_at = "waiting_for_capture", now + CAPTURE_WINDOW
            self.notify("payment.waiting_for_capture", payment)

    def cancel(self, payment: Payment, reason: str) -> None:
        party = CANCELLATION_PARTIES.get(reason)
        if party is None:
            raise ValueError(f"unknown cancellation reason {reason!r}")
        payment.status, payment.expires_at = "canceled", None
        payment.cancellation_details = {"party": party, "reason": reason}
        self.notify("payment.canceled", payment)

    # ---- refunds --------------------------------------------------------------------------------------------

    def create_refund(self, body: RefundBody) -> Refund:
        payment = self.payments.get(body.payment_id)
        if payment is None:
            raise invalid_request(f"Payment {body.payment_id} doesn't exist.", "payment_id")
        if payment.status != "succeeded":
            raise invalid_request(f"A payment with status {payment.status} cannot be refunded.", "payment_id")
        if body.amount.currency != payment.currency:
            raise invalid_request("The refund's currency differs from the payment's.", "amount.currency")
        if body.amount.value > payment.refundable_amount:
            raise invalid_request(
                f"The refund amount exceeds what is left to refund ({payment.refundable_amount:.2f}).", "amount.value"
            )
        refund = Refund(object_id(), payment.id, body.amount.value, payment.currency, body.description)
        payment.refunded += refund.amount
        self.refunds[refund.id] = refund
        self.notify("refund.succeeded", refund)
        return refund

    def refund(self, refund_id: str) -> Refund:
        refund = self.refunds.get(refund_id)
        if refund is None:
            raise not_found(f"Refund {refund_id} doesn't exist.")
        return refund

    # ---- notifications --------------------------------------------------------------------------------------

    def notify(self, event: str, subject: Payment | Refund) -> Delivery | None:
        """The notification YooKassa sends the shop's webhook for this event (nothing without a webhook)."""
        if not self.webhook_url:
            return None
        body = {"type": "notification", "event": event, "object": subject.as_json()}
        return self.notifier.send(self.webhook_url, kind=event, object_id=subject.id, json=body)
