"""Payments as the other services ask for them: what is for sale, checkouts, Stars, charges for Kiss Cam, history.

Every path below is on the payments service, signed like every internal call. User-facing wording is the
gateway's: these contracts carry facts (ids, amounts, dates, reasons as codes), never sentences, except product
titles and descriptions, which the operator's catalogue gives in both languages.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import Field

from storycam.contracts.base import Contract

PaymentProvider = Literal["stars", "yookassa", "yoomoney"]
ProductKind = Literal["subscription", "credits"]
PurchaseStatus = Literal["pending", "succeeded", "canceled", "refunded"]
CurrencyCode = Literal["RUB", "XTR"]


class LocalizedText(Contract):
    ru: str
    en: str


class OfferPrice(Contract):
    provider: PaymentProvider
    amount: Decimal  # roubles with kopecks, or whole Stars
    currency: CurrencyCode


class Offer(Contract):
    """One product for sale, with its price through each offered provider (catalogue order)."""

    product_id: str
    kind: ProductKind
    title: LocalizedText
    description: LocalizedText
    premium_days: int = 0
    ai_videos_per_period: int = 0
    ai_video_credits: int = 0
    prices: list[OfferPrice]


class Offers(Contract):
    """``GET /internal/v1/offers``."""

    providers: list[PaymentProvider]
    offers: list[Offer]
    # Ways to pay whose checkout needs the buyer's e-mail or phone for a 54-FZ receipt (``receipt_contact``): the
    # card when the operator set a tax system. The gateway asks the buyer for it first.
    receipt_contact_for: list[PaymentProvider] = Field(default_factory=list)


class ResumeStory(Contract):
    """Where a player stood when they chose to buy: the story continues from there once the payment lands."""

    story_slug: str = Field(min_length=1, max_length=64)


class CheckoutRequest(Contract):
    """``POST /internal/v1/users/{user_id}/checkouts`` (Idempotency-Key: the gateway's key for this tap)."""

    product_id: str = Field(min_length=1, max_length=32)
    provider: PaymentProvider
    chat_id: int
    language: Literal["ru", "en"] = "en"
    resume: ResumeStory | None = None
    # Where YooKassa sends the 54-FZ receipt (an e-mail, or a phone as digits with the country code), when the
    # operator set a tax system; kept sealed at rest.
    receipt_contact: str | None = Field(default=None, min_length=3, max_length=64)


class StarsInvoice(Contract):
    """What the gateway sends to Telegram: ``sendInvoice`` (one payment) or ``createInvoiceLink`` with
    ``subscription_period`` (a subscription that renews itself every 30 days)."""

    title: str = Field(max_length=32)
    description: str = Field(max_length=255)
    payload: str = Field(max_length=128)  # "p:<purchase_id>"
    currency: Literal["XTR"] = "XTR"
    amount: int = Field(ge=1, le=10_000)
    subscription_period: int | None = None  # seconds; 2592000 (30 days) for a subscription


class Checkout(Contract):
    purchase_id: UUID
    provider: PaymentProvider
    status: PurchaseStatus
    # YooKassa's checkout page or YooMoney's Quickpay form: a URL button for the user.
    confirmation_url: str | None = None
    stars_invoice: StarsInvoice | None = None


class PreCheckoutRequest(Contract):
    """``POST /internal/v1/stars/pre-checkout``: may Telegram take this money? Answered within Telegram's 10 s."""

    user_id: int
    payload: str = Field(max_length=128)
    currency: str = Field(max_length=8)
    total_amount: int


class PreCheckoutVerdict(Contract):
    ok: bool
    # Why not, as a code the gateway words for the user: unknown_purchase, price_changed, already_paid, not_for_sale.
    reason: str | None = None


class StarsPayment(Contract):
    """``POST /internal/v1/stars/payments``: a ``successful_payment`` as the gateway received it. Journaled once by
    ``telegram_payment_charge_id``; a recurring one (a subscription renewed by Telegram) extends the subscription."""

    user_id: int
    chat_id: int
    payload: str = Field(max_length=128)
    currency: str = Field(max_length=8)
    total_amount: int
    telegram_payment_charge_id: str = Field(min_length=1, max_length=256)
    provider_payment_charge_id: str | None = Field(default=None, max_length=256)
    subscription_expiration_date: datetime | None = None
    is_recurring: bool = False
    is_first_recurring: bool = False


class PaymentOutcome(Contract):
    """The answer to a reported payment: what it did (``granted`` false for a repeat or a mismatch)."""

    purchase_id: UUID | None
    granted: bool
    status: PurchaseStatus | None = None


class RenewalChange(Contract):
    """``POST /internal/v1/users/{user_id}/renewal``: the user turned auto-renewal off (or back on).

    For Stars the gateway calls ``editUserStarSubscription`` first and reports here after Telegram agreed."""

    auto_renew: bool


class Allowances(Contract):
    classic_per_day: int
    classic_left_today: int
    ai_trial_left: bool
    ai_in_period: int  # AI videos included in the current subscription period
    ai_left_in_period: int


class Renewal(Contract):
    provider: PaymentProvider
    auto_renew: bool
    # The Stars charge Telegram renews (needed for ``editUserStarSubscription``).
    telegram_payment_charge_id: str | None = None


class Account(Contract):
    """``GET /internal/v1/users/{user_id}/account``: everything ``/balance`` shows."""

    user_id: int
    premium: bool
    premium_until: datetime | None = None
    renewal: Renewal | None = None
    credits: int
    credits_held: int
    allowances: Allowances


class PaymentRecord(Contract):
    purchase_id: UUID
    product_id: str
    title: LocalizedText
    provider: PaymentProvider
    amount: Decimal
    currency: CurrencyCode
    status: PurchaseStatus
    created_at: datetime
    updated_at: datetime


class PaymentHistory(Contract):
    """``GET /internal/v1/users/{user_id}/payments?limit=10``: newest first."""

    payments: list[PaymentRecord]


# --- Charges: what Kiss Cam spends -------------------------------------------------------------------------------

ChargeKind = Literal["kisscam.classic", "kisscam.ai"]
ChargeSource = Literal["daily_allowance", "ai_trial", "subscription_allowance", "credits"]
ChargeState = Literal["held", "settled", "released"]


class Quote(Contract):
    """``GET /internal/v1/users/{user_id}/quotes/{kind}``: what one more would cost this user now, before anything
    is charged. ``affordable`` false means: buy credits first."""

    kind: ChargeKind
    source: ChargeSource | None
    credits: int  # 0 when an allowance or the trial pays
    affordable: bool


class ChargeRequest(Contract):
    """``POST /internal/v1/users/{user_id}/charges``: hold what one job costs, from the first source that can pay
    (daily allowance, then the AI trial, then the subscription's period allowance, then credits). The same key again
    answers the same charge and holds nothing more; 402 ``insufficient_credits`` when nothing can pay."""

    key: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")
    kind: ChargeKind
    ttl_seconds: int | None = Field(default=None, ge=60, le=86_400)


class Charge(Contract):
    """``POST .../charges/{key}/settle`` spends it; ``POST .../charges/{key}/release`` gives it back. Each is
    idempotent; settling a released charge (or the reverse) is a 409."""

    key: str
    kind: ChargeKind
    source: ChargeSource
    credits: int
    state: ChargeState
    expires_at: datetime


# --- Events on ``payments.events`` ---------------------------------------------------------------------------------
# Facts, not sentences: the gateway words them in the user's language. ``event_id`` is stable per fact, so a
# consumer's inbox key (``payments.events:<event_id>``) makes a redelivery tell the user once.


class PaymentSucceeded(Contract):
    type: Literal["payments.payment_succeeded"] = "payments.payment_succeeded"
    event_id: str
    user_id: int
    purchase_id: UUID
    product_id: str
    title: LocalizedText
    provider: PaymentProvider
    amount: Decimal
    currency: CurrencyCode
    premium_until: datetime | None = None  # set when the payment gave (or extended) premium
    credits_added: int = 0
    renewal: bool = False  # Telegram renewed a Stars subscription by itself
    resume: ResumeStory | None = None


class PaymentCanceled(Contract):
    type: Literal["payments.payment_canceled"] = "payments.payment_canceled"
    event_id: str
    user_id: int
    purchase_id: UUID
    product_id: str
    provider: PaymentProvider
    reason: str | None = None  # the provider's reason code, e.g. YooKassa's cancellation_details.reason


class PaymentRefunded(Contract):
    type: Literal["payments.payment_refunded"] = "payments.payment_refunded"
    event_id: str
    user_id: int
    purchase_id: UUID
    product_id: str
    title: LocalizedText
    provider: PaymentProvider
    amount: Decimal  # what was refunded
    currency: CurrencyCode
    credits_taken: int = 0
    premium_until: datetime | None = None  # premium's end after the refund; None = no premium left


class SubscriptionEnding(Contract):
    """A reminder: sent once per subscription and per ``days_left`` (3, then 1)."""

    type: Literal["payments.subscription_ending"] = "payments.subscription_ending"
    event_id: str
    user_id: int
    ends_at: datetime
    days_left: int
    auto_renew: bool
    product_id: str  # what a renewal button buys


class SubscriptionExpired(Contract):
    type: Literal["payments.subscription_expired"] = "payments.subscription_expired"
    event_id: str
    user_id: int
    ended_at: datetime
    product_id: str


PaymentsEvent = PaymentSucceeded | PaymentCanceled | PaymentRefunded | SubscriptionEnding | SubscriptionExpired
