"""A Quickpay link: the user opens it, pays to the operator's wallet, and YooMoney notifies us with our label."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from storycam.payments.money import Currency, Money

# Quickpay's payment types: AC a bank card, PC a YooMoney wallet.
CARD = "AC"
WALLET = "PC"


def quickpay_link(
    *,
    base_url: str,
    wallet: str,
    price: Money,
    purchase_id: UUID,
    description: str,
    success_url: str | None = None,
    payment_type: str = CARD,
) -> str:
    """The link for paying ``price`` for one purchase; ``label`` (our purchase id) comes back in the notification."""
    if price.currency is not Currency.RUB:
        raise ValueError("YooMoney wallets are paid in roubles")
    if payment_type not in {CARD, WALLET}:
        raise ValueError("payment_type is AC (card) or PC (wallet)")
    params = {
        "receiver": wallet,
        "quickpay-form": "button",
        "paymentType": payment_type,
        "sum": price.as_text(),
        "label": str(purchase_id),
        "targets": description[:150],
    }
    if success_url:
        params["successURL"] = success_url
    return f"{base_url}?{urlencode(params)}"
