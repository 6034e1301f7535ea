"""The payments service as the gateway sees it, stubbed at the HTTP level with respx (the real one's new endpoints
are built apart): offers, checkouts, Stars, account and history answer what a test sets."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import respx

from storycam.contracts.payments import (
    Account,
    Allowances,
    Checkout,
    LocalizedText,
    Offer,
    OfferPrice,
    Offers,
    PaymentOutcome,
    PreCheckoutVerdict,
    StarsInvoice,
)

PAYMENTS_URL = "http://payments.test"
MONTH = 2_592_000

OFFERS = Offers(
    providers=["stars", "yookassa"],
    offers=[
        Offer(
            product_id="premium_month",
            kind="subscription",
            title=LocalizedText(ru="Премиум на 30 дней", en="Premium for 30 days"),
            description=LocalizedText(
                ru="Все премиум-истории и 10 ИИ-видео в месяц", en="Every premium story and 10 AI videos a month"
            ),
            premium_days=30,
            ai_videos_per_period=10,
            prices=[
                OfferPrice(provider="stars", amount=Decimal(250), currency="XTR"),
                OfferPrice(provider="yookassa", amount=Decimal(500), currency="RUB"),
            ],
        ),
        Offer(
            product_id="credits_10",
            kind="credits",
            title=LocalizedText(ru="10 кредитов на ИИ-видео", en="10 AI video credits"),
            description=LocalizedText(ru="Для Kiss Cam AI", en="For Kiss Cam AI"),
            ai_video_credits=10,
            prices=[
                OfferPrice(provider="stars", amount=Decimal(150), currency="XTR"),
                OfferPrice(provider="yookassa", amount=Decimal("299.90"), currency="RUB"),
                OfferPrice(provider="yoomoney", amount=Decimal("299.90"), currency="RUB"),  # not offered now
            ],
        ),
    ],
)


def answer(model: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=model.model_dump_json(), headers={"content-type": "application/json"})


def stars_checkout(product: str = "credits_10", *, subscription: bool = False) -> Checkout:
    purchase = uuid.uuid4()
    return Checkout(
        purchase_id=purchase,
        provider="stars",
        status="pending",
        stars_invoice=StarsInvoice(
            title="Premium for 30 days" if subscription else "10 AI video credits",
            description="Every premium story" if subscription else "For Kiss Cam AI",
            payload=f"p:{purchase}",
            amount=250 if subscription else 150,
            subscription_period=MONTH if subscription else None,
        ),
    )


def account(**changes: Any) -> Account:
    values: dict[str, Any] = {
        "user_id": 1,
        "premium": False,
        "credits": 0,
        "credits_held": 0,
        "allowances": Allowances(
            classic_per_day=3, classic_left_today=2, ai_trial_left=True, ai_in_period=0, ai_left_in_period=0
        ),
    }
    return Account(**(values | changes))


def in_days(days: int) -> datetime:
    return datetime(2030, 1, 1, 12, tzinfo=UTC) + timedelta(days=days)


def body(call: Any) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(call.request.content)
    return loaded


@contextlib.contextmanager
def payments_stub() -> Iterator[respx.MockRouter]:
    """Everything else (the emulator, the story service, the real payments the story service asks) goes through."""
    with respx.mock(assert_all_called=False) as router:
        router.route(host="127.0.0.1").pass_through()
        router.get(f"{PAYMENTS_URL}/internal/v1/offers", name="offers").mock(return_value=answer(OFFERS))
        router.post(f"{PAYMENTS_URL}/internal/v1/stars/pre-checkout", name="pre_checkout").mock(
            return_value=answer(PreCheckoutVerdict(ok=True))
        )
        router.post(f"{PAYMENTS_URL}/internal/v1/stars/payments", name="stars_payments").mock(
            return_value=answer(PaymentOutcome(purchase_id=uuid.uuid4(), granted=True, status="succeeded"))
        )
        router.post(f"{PAYMENTS_URL}/internal/v1/stars/refunds", name="stars_refunds").mock(
            return_value=httpx.Response(200, json={})
        )
        yield router
