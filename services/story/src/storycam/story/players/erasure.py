"""Erasure on the bus: when the gateway publishes that a user asked to be forgotten, forget them here too."""

from __future__ import annotations

from storycam.contracts.users import UserErasureRequested
from storycam.kit.bus import Subscription
from storycam.kit.erasure import erasure_subscription as erasure_group
from storycam.kit.state import ServiceState
from storycam.kit.uow import UnitOfWork
from storycam.story.play.store import ProgressStore
from storycam.story.players import service
from storycam.story.premium.entitlements import PaymentsEntitlements


def erasure_subscription(
    state: ServiceState, store: ProgressStore, entitlements: PaymentsEntitlements
) -> Subscription[UserErasureRequested]:
    async def on_erasure(event: UserErasureRequested, work: UnitOfWork) -> None:
        await service.erase(work, store, entitlements, event.user_id)

    return erasure_group(state, on_erasure)
