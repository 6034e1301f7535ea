"""``/delete_me`` reaches payments: grants go; paid subscriptions stay, as accounting law requires (README)."""

from __future__ import annotations

import asyncpg

from storycam.contracts.users import UserErasureRequested
from storycam.kit.bus import Delivery, Subscription
from storycam.kit.erasure import erasure_subscription as erasure_group
from storycam.kit.logging import get_logger
from storycam.payments.subscriptions import repository

log = get_logger(__name__)


def erasure_subscription(db: asyncpg.Pool) -> Subscription[UserErasureRequested]:
    async def on_erasure(event: UserErasureRequested, _: Delivery) -> None:
        deleted = await repository.delete_grants(db, event.user_id)  # idempotent: a redelivery deletes nothing
        log.info("user.erased", request_id=str(event.request_id), grants_deleted=deleted)

    return erasure_group("payments", on_erasure)
