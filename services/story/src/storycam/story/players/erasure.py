"""Erasure on the bus: when the gateway publishes that a user asked to be forgotten, forget them here too."""

from __future__ import annotations

import asyncpg

from storycam.contracts.events import Streams
from storycam.contracts.users import UserErasureRequested
from storycam.kit.bus import Delivery, Subscription
from storycam.story.play.store import ProgressStore
from storycam.story.players import service


def erasure_subscription(db: asyncpg.Pool, store: ProgressStore) -> Subscription[UserErasureRequested]:
    async def on_erasure(event: UserErasureRequested, delivery: Delivery) -> None:
        await service.erase(db, store, event.user_id)  # idempotent: a redelivery finds nothing left

    # From the stream's start when the group is new: a request made while this service was away still counts.
    return Subscription(
        stream=Streams.USERS_ERASURE,
        group="story.erasure",
        schema=UserErasureRequested,
        handler=on_erasure,
        start_id="0",
    )
