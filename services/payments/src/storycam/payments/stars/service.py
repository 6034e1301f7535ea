"""Rules for Stars payments: a payload names our purchase, and only its buyer paying its price in XTR counts.

A recurring payment (Telegram renewing a subscription by itself) becomes a purchase of its own, ``renewal_of``
the first one, and extends premium from the current end like any other payment.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from storycam.contracts.payments import PaymentOutcome, PreCheckoutRequest, PreCheckoutVerdict, StarsPayment
from storycam.contracts.telegram import StarsRefundDone
from storycam.kit.db import Executor
from storycam.kit.logging import get_logger
from storycam.kit.uow import UnitOfWork
from storycam.payments.catalogue.models import Catalogue
from storycam.payments.checkouts.service import STARS_PAYLOAD_PREFIX
from storycam.payments.fulfilment import repository as fulfilment
from storycam.payments.fulfilment.service import grant_purchase, record_mismatch, take_back
from storycam.payments.money import Currency
from storycam.payments.purchases import repository as purchases
from storycam.payments.purchases.models import Purchase, PurchaseStatus
from storycam.payments.purchases.repository import Checkout
from storycam.payments.settings import Provider

log = get_logger(__name__)
_PROVIDER = Provider.STARS.value


def purchase_id_of(payload: str) -> UUID | None:
    if not payload.startswith(STARS_PAYLOAD_PREFIX):
        return None
    try:
        return UUID(payload.removeprefix(STARS_PAYLOAD_PREFIX))
    except ValueError:
        return None


def _paid_wrong(purchase: Purchase, user_id: int, currency: str, total_amount: int) -> str | None:
    if purchase.provider is not Provider.STARS or purchase.user_id != user_id:
        return "unknown_purchase"
    if currency != Currency.XTR.value or total_amount != int(purchase.price.amount):
        return "price_changed"
    return None


async def pre_checkout(db: Executor, request: PreCheckoutRequest) -> PreCheckoutVerdict:
    """May Telegram take this money? One read by primary key: Telegram gives the gateway 10 seconds in all."""
    purchase_id = purchase_id_of(request.payload)
    purchase = await purchases.get(db, purchase_id) if purchase_id else None
    reason = (
        "unknown_purchase"
        if purchase is None
        else _paid_wrong(purchase, request.user_id, request.currency, request.total_amount)
    )
    if purchase is not None and reason is None and purchase.status is not PurchaseStatus.PENDING:
        reason = "not_for_sale" if purchase.status is PurchaseStatus.CANCELED else "already_paid"
    if reason is not None:
        log.info("stars.pre_checkout_refused", reason=reason)
    return PreCheckoutVerdict(ok=reason is None, reason=reason)


async def record_payment(work: UnitOfWork, catalogue: Catalogue, payment: StarsPayment) -> PaymentOutcome:
    """What a ``successful_payment`` does, once per ``telegram_payment_charge_id``."""
    connection = await work.connection()
    charge = payment.telegram_payment_charge_id
    if not await work.claim(f"stars:{charge}"):
        known = await purchases.by_provider_payment(connection, Provider.STARS, charge)
        return PaymentOutcome(
            purchase_id=known.id if known else None, granted=False, status=known.status.value if known else None
        )
    purchase_id = purchase_id_of(payment.payload)
    purchase = await purchases.lock(connection, purchase_id) if purchase_id else None
    wrong = (
        "unknown_purchase"
        if purchase is None
        else _paid_wrong(purchase, payment.user_id, payment.currency, payment.total_amount)
    )
    recurring = payment.is_recurring and not payment.is_first_recurring
    if purchase is not None and wrong is None and not recurring and purchase.status is not PurchaseStatus.PENDING:
        wrong = "already_paid"  # a second charge for one invoice: refunded by an operator, never granted twice
    if wrong is not None:
        await record_mismatch(
            connection,
            provider=_PROVIDER,
            reason=wrong,
            provider_payment_id=charge,
            purchase_id=purchase.id if purchase else None,
            details={"total_amount": payment.total_amount, "currency": payment.currency[:8], "recurring": recurring},
        )
        return PaymentOutcome(purchase_id=purchase.id if purchase else None, granted=False)
    assert purchase is not None
    paid = await _renewal_purchase(connection, purchase, payment) if recurring else purchase
    await purchases.attach_provider_payment(connection, paid.id, charge)
    event = await grant_purchase(work, paid, catalogue, renewal=recurring)
    if payment.subscription_expiration_date is not None or payment.is_recurring:
        await fulfilment.upsert_renewal(
            connection,
            user_id=paid.user_id,
            product_id=paid.product_id,
            charge_id=charge,
            renews_at=payment.subscription_expiration_date or (event.premium_until if event else None),
        )
    return PaymentOutcome(purchase_id=paid.id, granted=event is not None, status=PurchaseStatus.SUCCEEDED.value)


async def _renewal_purchase(connection: Executor, first: Purchase, payment: StarsPayment) -> Purchase:
    """A purchase for a renewal Telegram charged: what the first one sold, at the price Telegram charged again."""
    made = await purchases.insert(
        connection,
        purchase_id=uuid4(),
        user_id=first.user_id,
        product_id=first.product_id,
        provider=Provider.STARS,
        price=first.price,
        grants=first.grants,
        checkout=Checkout(chat_id=payment.chat_id, language=first.language, renewal_of=first.renewal_of or first.id),
    )
    assert made is not None, "no checkout key: the insert cannot conflict"
    log.info("stars.renewal", purchase_id=str(made.id), renewal_of=str(first.id))
    return made


async def record_refund(work: UnitOfWork, catalogue: Catalogue, done: StarsRefundDone) -> PaymentOutcome:
    """Telegram gave a Stars payment back: everything it granted is taken back, once per charge."""
    connection = await work.connection()
    charge = done.telegram_payment_charge_id
    purchase = await purchases.by_provider_payment(connection, Provider.STARS, charge)
    if purchase is None or purchase.user_id != done.user_id:
        if await work.claim(f"stars-refund:{charge}"):
            await record_mismatch(
                connection,
                provider=_PROVIDER,
                reason="refund_unknown_payment",
                provider_payment_id=charge,
                purchase_id=purchase.id if purchase else None,
            )
        return PaymentOutcome(purchase_id=None, granted=False)
    if await work.claim(f"stars-refund:{charge}"):
        await take_back(work, purchase, purchase.price.amount, catalogue, refund_key=f"stars:{charge}")
    current = await purchases.get(connection, purchase.id)
    assert current is not None
    return PaymentOutcome(purchase_id=current.id, granted=False, status=current.status.value)
