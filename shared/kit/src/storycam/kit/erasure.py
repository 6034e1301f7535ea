"""``/delete_me`` across services: every service that keeps something about a user consumes ``users.erasure``."""

from __future__ import annotations

from storycam.contracts.events import Streams
from storycam.contracts.users import UserErasureRequested
from storycam.kit.bus import Handler, Subscription


def erasure_subscription(service: str, handler: Handler[UserErasureRequested]) -> Subscription[UserErasureRequested]:
    """The service's group on ``users.erasure``; ``handler`` must be idempotent (a redelivery finds nothing left).

    From the stream's start when the group is new: a request made while this service was away still counts.
    """
    return Subscription(
        stream=Streams.USERS_ERASURE,
        group=f"{service}.erasure",
        schema=UserErasureRequested,
        handler=handler,
        start_id="0",
    )
