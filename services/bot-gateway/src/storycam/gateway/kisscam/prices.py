"""What a Kiss Cam video would cost this user now, as the payments service quotes it (nothing is charged here)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from storycam.contracts.payments import Allowances, ChargeKind, Quote
from storycam.gateway.clients.payments import PaymentsClient, PaymentsRefused, PaymentsUnavailable


@dataclass(frozen=True)
class Price:
    quote: Quote
    # What is left of the allowance that pays, for "free, 2 of 3 left today"; None when payments did not say.
    allowances: Allowances | None


async def price_of(payments: PaymentsClient, user_id: int, kind: ChargeKind) -> Price:
    """The quote (PaymentsUnavailable/PaymentsRefused when there is none), with the allowance left when one pays."""
    quote = await payments.quote(user_id, kind)
    allowances = None
    if quote.source in {"daily_allowance", "subscription_allowance"}:
        with contextlib.suppress(PaymentsUnavailable, PaymentsRefused):  # only "N of M left" is lost
            allowances = (await payments.account(user_id)).allowances
    return Price(quote, allowances)
