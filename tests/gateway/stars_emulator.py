"""Two Bot API methods for Stars subscriptions the Telegram emulator does not answer yet (``createInvoiceLink`` with
``subscription_period``, ``editUserStarSubscription``): stand-ins served by the emulator itself for one test, so the
gateway still talks HTTP to it, and what it asked is recorded for the test to check."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from storycam.sandbox.botapi.calls import MethodCall
from storycam.sandbox.botapi.dispatch import METHODS


@dataclass
class Recorded:
    made: list[dict[str, Any]] = field(default_factory=list)


@contextlib.contextmanager
def _served(method: str, handler: Any) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(METHODS, method.lower(), handler)
        yield


@contextlib.contextmanager
def invoice_links() -> Iterator[Recorded]:
    recorded = Recorded()

    async def create_invoice_link(call: MethodCall) -> str:
        params = call.params
        link = f"https://t.me/$sandbox{secrets.token_urlsafe(12)}"
        recorded.made.append(
            {
                "title": params.required_text("title"),
                "payload": params.required_text("payload"),
                "currency": params.required_text("currency"),
                "prices": params.structure("prices", "prices"),
                "subscription_period": params.integer("subscription_period"),
                "link": link,
            }
        )
        return link

    with _served("createInvoiceLink", create_invoice_link):
        yield recorded


@contextlib.contextmanager
def star_subscriptions() -> Iterator[Recorded]:
    recorded = Recorded()

    async def edit_user_star_subscription(call: MethodCall) -> bool:
        params = call.params
        recorded.made.append(
            {
                "user_id": params.required_integer("user_id"),
                "telegram_payment_charge_id": params.required_text("telegram_payment_charge_id"),
                "is_canceled": params.flag("is_canceled"),
            }
        )
        return True

    with _served("editUserStarSubscription", edit_user_star_subscription):
        yield recorded
