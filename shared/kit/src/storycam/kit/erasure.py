"""``/delete_me`` across services: every service that keeps something about a user consumes ``users.erasure``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from storycam.contracts.events import Streams
from storycam.contracts.users import UserErasureRequested
from storycam.kit.bus import Subscription
from storycam.kit.state import ServiceState
from storycam.kit.uow import UnitOfWork, with_unit_of_work

Erase = Callable[[UserErasureRequested, UnitOfWork], Awaitable[None]]


def erasure_subscription(state: ServiceState, erase: Erase) -> Subscription[UserErasureRequested]:
    """The service's group on ``users.erasure``, each request erased in one unit of work, once (its inbox key).

    From the stream's start when the group is new: a request made while this service was away still counts.
    """
    return Subscription(
        stream=Streams.USERS_ERASURE,
        group=f"{state.service}.erasure",
        schema=UserErasureRequested,
        handler=with_unit_of_work(
            state.db,
            state.outbox,
            lambda event, _, work: erase(event, work),
            inbox_key=lambda event, _: f"users.erasure:{event.request_id}",
        ),
        start_id="0",
    )
