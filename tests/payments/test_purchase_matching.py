"""A payment grants only if the provider's own account of it matches what was sold, in every part."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from storycam.payments.catalogue.models import Grants
from storycam.payments.money import Currency, Money
from storycam.payments.purchases.matching import Mismatch, yookassa_mismatch, yoomoney_mismatch
from storycam.payments.purchases.models import Purchase, PurchaseStatus
from storycam.payments.settings import Provider
from storycam.payments.yookassa.models import YooKassaPayment
from storycam.payments.yoomoney.notification import YooMoneyNotification

NOW = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)


def purchase(provider: Provider = Provider.YOOKASSA, **changes: Any) -> Purchase:
    values: dict[str, Any] = {
        "id": uuid4(),
        "user_id": 42,
        "product_id": "premium-month",
        "provider": provider,
        "price": Money(amount=Decimal("500.00"), currency=Currency.RUB),
        "grants": Grants(premium_days=30, premium_stories=True),
        "status": PurchaseStatus.PENDING,
        "provider_payment_id": "yk-1",
        "created_at": NOW,
        "updated_at": NOW,
        **changes,
    }
    return Purchase(**values)


def payment(sold: Purchase, **changes: Any) -> YooKassaPayment:
    values: dict[str, Any] = {
        "id": "yk-1",
        "status": "succeeded",
        "paid": True,
        "amount": {"value": "500.00", "currency": "RUB"},
        "metadata": {"purchase_id": str(sold.id), "user_id": str(sold.user_id)},
        "created_at": NOW,
        **changes,
    }
    return YooKassaPayment.model_validate(values)


def test_a_matching_yookassa_payment_pays_for_the_purchase() -> None:
    sold = purchase()
    assert yookassa_mismatch(sold, payment(sold)) is None
    assert yookassa_mismatch(sold, payment(sold, amount={"value": "500", "currency": "RUB"})) is None


@pytest.mark.parametrize(
    ("changes", "mismatch"),
    [
        ({"amount": {"value": "5.00", "currency": "RUB"}}, Mismatch.AMOUNT),
        ({"amount": {"value": "500.01", "currency": "RUB"}}, Mismatch.AMOUNT),
        ({"amount": {"value": "500.00", "currency": "USD"}}, Mismatch.CURRENCY),
        ({"status": "pending", "paid": False}, Mismatch.NOT_PAID),
        ({"status": "waiting_for_capture", "paid": True}, Mismatch.NOT_PAID),
        ({"status": "canceled", "paid": False}, Mismatch.NOT_PAID),
        ({"metadata": {"purchase_id": "another", "user_id": "42"}}, Mismatch.PURCHASE),
        ({"metadata": {"user_id": "42"}}, Mismatch.PURCHASE),
        ({"id": "yk-2"}, Mismatch.PAYMENT_ID),
    ],
    ids=[
        "less",
        "a-kopeck-more",
        "dollars",
        "pending",
        "two-stage",
        "canceled",
        "other-purchase",
        "no-metadata",
        "other-payment",
    ],
)
def test_a_yookassa_payment_that_disagrees_in_any_part_pays_for_nothing(
    changes: dict[str, Any], mismatch: Mismatch
) -> None:
    sold = purchase()
    assert yookassa_mismatch(sold, payment(sold, **changes)) is mismatch


def test_another_user_s_payment_or_an_unknown_one_pays_for_nothing() -> None:
    sold = purchase()
    theirs = payment(sold, metadata={"purchase_id": str(sold.id), "user_id": "43"})
    assert yookassa_mismatch(sold, theirs) is Mismatch.USER
    assert yookassa_mismatch(sold, None) is Mismatch.UNKNOWN_PAYMENT
    assert yookassa_mismatch(purchase(Provider.YOOMONEY), payment(sold)) is Mismatch.PROVIDER


def notification(sold: Purchase, **changes: Any) -> YooMoneyNotification:
    values: dict[str, Any] = {
        "notification_type": "card-incoming",
        "operation_id": "op-1",
        "amount": "485.00",
        "withdraw_amount": "500.00",
        "currency": "643",
        "datetime": "2026-11-30T17:00:00Z",
        "codepro": "false",
        "label": str(sold.id),
        "unaccepted": "false",
        **changes,
    }
    return YooMoneyNotification.model_validate(values)


def test_a_yoomoney_payment_matches_on_what_the_payer_paid() -> None:
    sold = purchase(Provider.YOOMONEY, provider_payment_id=None)
    assert yoomoney_mismatch(sold, notification(sold)) is None
    without_withdraw = notification(sold, amount="500.00", withdraw_amount=None)
    assert yoomoney_mismatch(sold, without_withdraw) is None


@pytest.mark.parametrize(
    ("changes", "mismatch"),
    [
        ({"withdraw_amount": "499.99"}, Mismatch.AMOUNT),
        ({"label": "another-purchase"}, Mismatch.PURCHASE),
        ({"label": ""}, Mismatch.PURCHASE),
        ({"unaccepted": "true"}, Mismatch.NOT_PAID),
    ],
    ids=["less", "other-label", "no-label", "unaccepted"],
)
def test_a_yoomoney_payment_that_disagrees_pays_for_nothing(changes: dict[str, Any], mismatch: Mismatch) -> None:
    sold = purchase(Provider.YOOMONEY, provider_payment_id=None)
    assert yoomoney_mismatch(sold, notification(sold, **changes)) is mismatch
    assert yoomoney_mismatch(purchase(Provider.YOOKASSA), notification(sold)) is Mismatch.PROVIDER
