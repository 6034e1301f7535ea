"""Does what a provider says was paid match what we sold? Nothing is granted unless every part agrees.

YooKassa's notifications are not signed, so the webhook re-reads the payment from YooKassa's API and checks that
answer here; YooMoney's are signed, and their values are checked here once the hash holds.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from storycam.payments.money import Currency
from storycam.payments.purchases.models import Purchase
from storycam.payments.settings import Provider
from storycam.payments.yookassa.client import PURCHASE_ID_KEY, USER_ID_KEY
from storycam.payments.yookassa.models import PaymentStatus, YooKassaPayment
from storycam.payments.yoomoney.notification import YooMoneyNotification


class Mismatch(StrEnum):
    """Why a payment does not pay for a purchase: recorded, and nothing granted."""

    UNKNOWN_PAYMENT = "unknown_payment"
    PROVIDER = "provider"
    NOT_PAID = "not_paid"
    AMOUNT = "amount"
    CURRENCY = "currency"
    PURCHASE = "purchase"
    USER = "user"
    PAYMENT_ID = "payment_id"


def yookassa_mismatch(purchase: Purchase, payment: YooKassaPayment | None) -> Mismatch | None:
    """What is wrong with YooKassa's own answer for ``purchase`` being paid, or None when it pays for it."""
    if payment is None:
        return Mismatch.UNKNOWN_PAYMENT
    if purchase.provider is not Provider.YOOKASSA:
        return Mismatch.PROVIDER
    if purchase.provider_payment_id is not None and purchase.provider_payment_id != payment.id:
        return Mismatch.PAYMENT_ID
    if payment.metadata.get(PURCHASE_ID_KEY) != str(purchase.id):
        return Mismatch.PURCHASE
    if payment.metadata.get(USER_ID_KEY) != str(purchase.user_id):
        return Mismatch.USER
    if payment.status != PaymentStatus.SUCCEEDED or not payment.paid:
        return Mismatch.NOT_PAID
    if payment.amount.currency != Currency.RUB.value:
        return Mismatch.CURRENCY
    if payment.amount.value != purchase.price.amount:
        return Mismatch.AMOUNT
    return None


def yoomoney_mismatch(purchase: Purchase, notification: YooMoneyNotification) -> Mismatch | None:
    """What is wrong with a (verified) YooMoney notification paying for ``purchase``, or None.

    The payer pays the Quickpay sum (``withdraw_amount``); the wallet receives it less YooMoney's commission
    (``amount``), so the price is compared with what the payer paid."""
    if purchase.provider is not Provider.YOOMONEY:
        return Mismatch.PROVIDER
    if notification.label != str(purchase.id):
        return Mismatch.PURCHASE
    if notification.unaccepted:
        return Mismatch.NOT_PAID  # the money is held, not on the wallet: it may yet go back to the payer
    if purchase.price.currency is not Currency.RUB:
        return Mismatch.CURRENCY
    paid: Decimal = notification.withdraw_amount if notification.withdraw_amount is not None else notification.amount
    if paid != purchase.price.amount:
        return Mismatch.AMOUNT
    return None
