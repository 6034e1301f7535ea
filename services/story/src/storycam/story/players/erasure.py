"""Erasure on the bus: when the gateway publishes that a user asked to be forgotten, forget them here too."""

from __future__ import annotations

import asyncpg

from storycam.contracts.users import UserErasureRequested
from storycam.kit.bus import Delivery, Subscription
from storycam.kit.erasure import erasure_subscription as erasure_group
from storycam.story.play.store import ProgressStore
from storycam.story.players import service


def erasure_subscription(db: asyncpg.Pool, store: ProgressStore) -> Subscription[UserErasureRequested]:
    async def on_erasure(event: UserErasureRequested, _: Delivery) -> None:
        await service.erase(db, store, event.user_id)  # idempotent: a redelivery finds nothing left

    return erasure_group("story", on_erasure)
