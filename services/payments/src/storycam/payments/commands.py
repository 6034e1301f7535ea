"""Operator commands: ``storycam-payments reconcile <purchase_id>``, ``refund <purchase_id> [--amount]``, ``reseal``.

Each prints one JSON line saying what happened and exits 0, or 1 with the reason when nothing could be done.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID, uuid5

import asyncpg

from storycam.contracts.events import Streams
from storycam.contracts.telegram import StarsRefund
from storycam.kit.cli import CommandWithArguments
from storycam.kit.db import create_pool
from storycam.kit.settings import ServiceSettings
from storycam.kit.uow import unit_of_work
from storycam.payments.catalogue.loader import load_catalogue
from storycam.payments.context import PaymentsContext
from storycam.payments.money import Money
from storycam.payments.purchases import repository as purchases
from storycam.payments.purchases.models import Purchase, PurchaseStatus
from storycam.payments.reconcile import reconcile_by_id
from storycam.payments.sealing import Sealer
from storycam.payments.settings import PaymentsSettings, Provider
from storycam.payments.yookassa.client import refund_idempotence_key, yookassa_client
from storycam.payments.yookassa.notification import inbox_key
from storycam.payments.yookassa.outcomes import Outcome, settle_refund

# Names the gateway's refundStarPayment request for one charge: asked twice, refunded once.
_STARS_REFUNDS = UUID("6f1b7c1e-3d1a-4c9e-9a8e-5c0d2f8b7a10")


def _say(**fields: Any) -> None:
    print(json.dumps(fields, default=str), file=sys.stdout)


@asynccontextmanager
async def _context(settings: ServiceSettings) -> AsyncIterator[tuple[asyncpg.Pool, PaymentsContext]]:
    assert isinstance(settings, PaymentsSettings)
    db = await create_pool(settings.database_url, schema="payments", max_size=2)
    client = yookassa_client(settings)
    payments = PaymentsContext(
        settings=settings,
        catalogue=load_catalogue(settings.payments_catalogue_path),
        yookassa=client,
        sealer=Sealer.from_settings(settings),
    )
    try:
        yield db, payments
    finally:
        if client is not None:
            await client.aclose()
        await db.close()


def _purchase_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("purchase_id", type=UUID, help="the purchase (its id, as /payments and the logs show it)")


def _refund_arguments(parser: argparse.ArgumentParser) -> None:
    _purchase_argument(parser)
    parser.add_argument("--amount", help="roubles to give back (YooKassa only); default: all that is not yet refunded")


async def reconcile(settings: ServiceSettings, args: argparse.Namespace) -> int:
    async with _context(settings) as (db, payments):
        purchase = await purchases.get(db, args.purchase_id)
        if purchase is None:
            _say(purchase_id=args.purchase_id, error="no such purchase")
            return 1
        if purchase.provider is not Provider.YOOKASSA or payments.yookassa is None:
            _say(purchase_id=purchase.id, error="only YooKassa payments are reconciled (YooKassa must be configured)")
            return 1
        outcome = await reconcile_by_id(db, None, payments, purchase.id)
        after = await purchases.get(db, purchase.id)
        assert after is not None
        _say(purchase_id=purchase.id, outcome=outcome, status=after.status.value)
        return 0


async def refund(settings: ServiceSettings, args: argparse.Namespace) -> int:
    async with _context(settings) as (db, payments):
        purchase = await purchases.get(db, args.purchase_id)
        if purchase is None or purchase.status is not PurchaseStatus.SUCCEEDED or not purchase.provider_payment_id:
            _say(purchase_id=args.purchase_id, error="no paid purchase to refund (unknown, unpaid or refunded)")
            return 1
        if purchase.provider is Provider.STARS:
            return await _refund_stars(db, purchase, args.amount)
        if purchase.provider is Provider.YOOKASSA and payments.yookassa is not None:
            return await _refund_yookassa(db, payments, purchase, args.amount)
        _say(purchase_id=purchase.id, error=f"{purchase.provider.value} payments are refunded by hand, not here")
        return 1


async def _refund_stars(db: asyncpg.Pool, purchase: Purchase, amount: str | None) -> int:
    if amount is not None:
        _say(purchase_id=purchase.id, error="Stars are refunded whole: no --amount")
        return 1
    charge = purchase.provider_payment_id
    assert charge is not None
    request = StarsRefund(
        request_id=uuid5(_STARS_REFUNDS, charge), user_id=purchase.user_id, telegram_payment_charge_id=charge
    )
    # Relayed by the running service's outbox; the gateway refunds, then reports back, and that takes back.
    async with unit_of_work(db) as work:
        await work.publish(Streams.TELEGRAM_OUTBOUND, request)
    _say(purchase_id=purchase.id, outcome="asked_gateway", request_id=request.request_id)
    return 0


async def _refund_yookassa(db: asyncpg.Pool, payments: PaymentsContext, purchase: Purchase, amount: str | None) -> int:
    client = payments.yookassa
    assert client is not None
    assert purchase.provider_payment_id is not None
    left = purchase.price.amount - purchase.refunded_amount
    try:
        wanted = Decimal(amount) if amount is not None else left
        money = Money(amount=wanted, currency=purchase.price.currency)
    except (InvalidOperation, ValueError):
        _say(purchase_id=purchase.id, error=f"--amount must be roubles, more than 0 and at most {left}")
        return 1
    if money.amount > left:
        _say(purchase_id=purchase.id, error=f"only {left} is left to refund")
        return 1
    # Stable across retries of this command: the same refund while YooKassa has not counted it yet. A whole refund
    # is the one refund_idempotence_key names; a partial one is named by how much YooKassa had refunded before it.
    payment = await client.get_payment(purchase.provider_payment_id)
    before = payment.refunded_amount.value if payment and payment.refunded_amount else Decimal(0)
    key = (
        refund_idempotence_key(purchase.id)
        if money.amount == purchase.price.amount
        else f"storycam-refund-{purchase.id}-{before}-{money.as_text()}"
    )
    made = await client.create_refund(
        purchase_id=purchase.id,
        payment_id=purchase.provider_payment_id,
        amount=money,
        description=f"Refund of purchase {purchase.id}",
        key=key,
    )
    outcome: Outcome | str = made.status
    if made.status == "succeeded":
        # What the webhook would do, under the webhook's key: its notification, arriving later, does nothing.
        async with unit_of_work(db) as work:
            if await work.claim(inbox_key("refund.succeeded", made.id)):
                outcome = await settle_refund(work, client, payments.catalogue, made.id)
    _say(purchase_id=purchase.id, refund_id=made.id, amount=money.as_text(), outcome=outcome)
    return 0


async def reseal(settings: ServiceSettings, args: argparse.Namespace) -> int:
    """Re-seal every personal field under the first key of PAYMENTS_ENCRYPTION_KEYS (after adding a new key)."""
    async with _context(settings) as (db, payments):
        rows = await db.fetch("SELECT id, personal FROM purchases WHERE personal IS NOT NULL")
        for row in rows:
            await purchases.set_personal(db, row["id"], payments.sealer.reseal(row["personal"]))
        _say(resealed=len(rows))
        return 0


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    del parser


COMMANDS_OF_PAYMENTS = {
    "reconcile": CommandWithArguments(
        "close one YooKassa purchase from YooKassa's own answer", _purchase_argument, reconcile
    ),
    "refund": CommandWithArguments(
        "refund a purchase: YooKassa through its API, Stars through the gateway", _refund_arguments, refund
    ),
    "reseal": CommandWithArguments(
        "re-seal personal fields under the first PAYMENTS_ENCRYPTION_KEYS key (key rotation)", _no_arguments, reseal
    ),
}
