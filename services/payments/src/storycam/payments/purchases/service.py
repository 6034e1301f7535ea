"""Rules for opening a purchase: only what the catalogue sells, through a provider that is offered, at its price."""

from __future__ import annotations

from uuid import uuid4

from storycam.kit.db import Executor
from storycam.kit.errors import BadRequest, NotFound
from storycam.kit.logging import get_logger
from storycam.payments.catalogue.models import Catalogue
from storycam.payments.purchases import repository
from storycam.payments.purchases.models import Purchase
from storycam.payments.purchases.repository import Checkout
from storycam.payments.settings import Provider

log = get_logger(__name__)


class UnknownProduct(NotFound):
    code = "unknown_product"
    default_detail = "No such product is for sale."


class ProviderNotOffered(BadRequest):
    code = "provider_not_offered"
    default_detail = "This product cannot be bought this way."


async def open_purchase(
    db: Executor,
    catalogue: Catalogue,
    offered: frozenset[Provider],
    *,
    user_id: int,
    product_id: str,
    provider: Provider,
    checkout: Checkout | None = None,
) -> Purchase:
    """A pending purchase at the catalogue's price, with a fresh id: the id YooKassa's metadata, YooMoney's label
    and the Stars invoice payload carry, and from which YooKassa's Idempotence-Key is derived.

    With a checkout key the user already used, the purchase opened then (whatever its product: the caller checks)."""
    product = catalogue.product(product_id)
    if product is None:
        raise UnknownProduct()
    price = product.price_for(provider)
    if provider not in offered or price is None:
        raise ProviderNotOffered()
    purchase = await repository.insert(
        db,
        purchase_id=uuid4(),
        user_id=user_id,
        product_id=product.id,
        provider=provider,
        price=price,
        grants=product.grants,
        checkout=checkout,
    )
    if purchase is None:
        assert checkout is not None
        assert checkout.key is not None
        earlier = await repository.by_checkout_key(db, user_id, checkout.key)
        assert earlier is not None, "the insert found this key taken"
        return earlier
    log.info("purchase.opened", purchase_id=str(purchase.id), product_id=product.id, provider=provider.value)
    return purchase
