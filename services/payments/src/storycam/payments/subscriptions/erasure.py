"""``/delete_me`` reaches payments: grants go; paid subscriptions and purchases stay, as accounting law requires,
unlinked from the Telegram id (purchases.erasure)."""

from __future__ import annotations

from storycam.contracts.users import UserErasureRequested
from storycam.kit.bus import Subscription
from storycam.kit.erasure import erasure_subscription as erasure_group
from storycam.kit.logging import get_logger
from storycam.kit.state import ServiceState
from storycam.kit.uow import UnitOfWork
from storycam.payments.purchases.erasure import erase_purchases
from storycam.payments.subscriptions import service

log = get_logger(__name__)


def erasure_subscription(state: ServiceState) -> Subscription[UserErasureRequested]:
    async def on_erasure(event: UserErasureRequested, work: UnitOfWork) -> None:
        deleted = await service.erase(work, event.user_id)
        unlinked = await erase_purchases(work, event.user_id)
        log.info("user.erased", request_id=str(event.request_id), grants_deleted=deleted, purchases_unlinked=unlinked)

    return erasure_group(state, on_erasure)
