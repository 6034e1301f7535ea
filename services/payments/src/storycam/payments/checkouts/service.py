"""Opening a purchase for a checkout and preparing its payment with the chosen provider.

The purchase is committed before YooKassa is asked for a payment: a retry of the same tap (same Idempotency-Key)
finds it and asks YooKassa again under the same Idempotence-Key, so a payment created by a call whose answer was
lost is found, never made twice.
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from storycam.contracts.payments import Checkout, CheckoutRequest, StarsInvoice
from storycam.kit.db import Executor
from storycam.kit.errors import BadRequest, Conflict, StorycamError
from storycam.kit.logging import get_logger
from storycam.payments.catalogue.models import STARS_SUBSCRIPTION_DAYS, Product, ProductKind
from storycam.payments.context import PaymentsContext
from storycam.payments.purchases import repository as purchases
from storycam.payments.purchases.models import Purchase
from storycam.payments.purchases.repository import Checkout as CheckoutFields
from storycam.payments.purchases.service import UnknownProduct, open_purchase
from storycam.payments.settings import Provider
from storycam.payments.yookassa.models import ReceiptCustomer, receipt_for
from storycam.payments.yoomoney.quickpay import quickpay_link

log = get_logger(__name__)

STARS_PAYLOAD_PREFIX = "p:"
STARS_SUBSCRIPTION_PERIOD = STARS_SUBSCRIPTION_DAYS * 86_400


class CheckoutKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was already used for another checkout by this user."


class ProviderNotConfigured(StorycamError):
    status_code = 503
    code = "provider_not_configured"
    default_detail = "This way to pay is not fully configured."


class ReceiptContactInvalid(BadRequest):
    code = "receipt_contact_invalid"
    default_detail = "receipt_contact is neither an e-mail nor a phone number."


class ReceiptContactRequired(BadRequest):
    code = "receipt_contact_required"
    default_detail = "A card payment here comes with a 54-FZ receipt: receipt_contact (an e-mail or a phone) is needed."


def receipt_contact(text: str | None) -> ReceiptCustomer | None:
    """An e-mail, or a phone as people write one (``+7 (900) 123-45-67``); 400 for anything else."""
    if text is None:
        return None
    value = text.strip()
    try:
        if "@" in value:
            return ReceiptCustomer(email=value)
        return ReceiptCustomer(phone=re.sub(r"[\s()+-]", "", value))
    except ValidationError:
        raise ReceiptContactInvalid() from None


def stars_payload(purchase: Purchase) -> str:
    return f"{STARS_PAYLOAD_PREFIX}{purchase.id}"


def stars_invoice(product: Product, purchase: Purchase) -> StarsInvoice:
    title = product.title.in_language(purchase.language)
    description = product.description.in_language(purchase.language)
    return StarsInvoice(
        title=title[:32],
        description=description[:255],
        payload=stars_payload(purchase),
        amount=int(purchase.price.amount),
        subscription_period=STARS_SUBSCRIPTION_PERIOD if product.kind is ProductKind.SUBSCRIPTION else None,
    )


async def checkout(
    db: Executor, payments: PaymentsContext, user_id: int, request: CheckoutRequest, key: str
) -> Checkout:
    provider = Provider(request.provider)
    contact = receipt_contact(request.receipt_contact)
    if provider in payments.settings.receipt_providers and contact is None:
        # YooKassa refuses a payment without its receipt when the shop sends receipts, and the law wants one.
        raise ReceiptContactRequired()
    fields = CheckoutFields(
        key=key,
        chat_id=request.chat_id,
        language=request.language,
        resume=request.resume,
        personal=payments.sealer.seal({"receipt_contact": contact.model_dump(exclude_none=True)}) if contact else None,
    )
    purchase = await open_purchase(
        db,
        payments.catalogue,
        payments.settings.enabled_providers,
        user_id=user_id,
        product_id=request.product_id,
        provider=provider,
        checkout=fields,
    )
    if (purchase.product_id, purchase.provider) != (request.product_id, provider):
        raise CheckoutKeyReused()
    product = payments.catalogue.product(purchase.product_id)
    if product is None:
        raise UnknownProduct()
    answer = Checkout(purchase_id=purchase.id, provider=provider.value, status=purchase.status.value)
    if provider is Provider.STARS:
        return answer.model_copy(update={"stars_invoice": stars_invoice(product, purchase)})
    if provider is Provider.YOOMONEY:
        settings = payments.settings
        assert settings.yoomoney_wallet is not None
        url = quickpay_link(
            base_url=settings.yoomoney_quickpay_url,
            wallet=settings.yoomoney_wallet,
            price=purchase.price,
            purchase_id=purchase.id,
            description=product.title.in_language(purchase.language),
            success_url=settings.payment_return_url,
        )
        return answer.model_copy(update={"confirmation_url": url})
    url = purchase.confirmation_url or await _yookassa_payment(db, payments, purchase, product, contact)
    return answer.model_copy(update={"confirmation_url": url})


async def _yookassa_payment(
    db: Executor, payments: PaymentsContext, purchase: Purchase, product: Product, contact: ReceiptCustomer | None
) -> str:
    settings = payments.settings
    if payments.yookassa is None or settings.payment_return_url is None:
        raise ProviderNotConfigured("YooKassa needs PAYMENT_RETURN_URL to send the buyer back.")
    description = product.title.in_language(purchase.language)
    receipt = receipt_for(
        tax_system_code=settings.yookassa_tax_system_code,
        vat_code=settings.yookassa_vat_code,
        contact=contact,
        description=description,
        price=purchase.price,
    )
    payment = await payments.yookassa.create_payment(
        purchase_id=purchase.id,
        user_id=purchase.user_id,
        price=purchase.price,
        description=description,
        return_url=settings.payment_return_url,
        receipt=receipt,
    )
    url = payment.confirmation.confirmation_url if payment.confirmation else None
    if url is None:
        raise ProviderNotConfigured("YooKassa answered a payment without a confirmation URL.")
    if await purchases.attach_provider_payment(db, purchase.id, payment.id) is None:
        log.error("checkout.payment_id_differs", purchase_id=str(purchase.id))
        raise Conflict("This purchase is already tied to another YooKassa payment.")
    await purchases.set_confirmation_url(db, purchase.id, url)
    log.info("checkout.yookassa_payment", purchase_id=str(purchase.id), receipt=receipt is not None)
    return url
