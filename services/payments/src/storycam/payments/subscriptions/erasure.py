"""``/delete_me`` reaches payments: grants, charges and credit holds go; paid subscriptions and the credit grants
purchases paid for stay, as accounting law requires (README, docs/credits.md); purchases stay too, unlinked from the
Telegram id and without their personal fields (purchases.erasure, docs/payments.md)."""

from __future__ import annotations

from storycam.contracts.users import UserErasureRequested
from storycam.kit.bus import Subscription
from storycam.kit.erasure import erasure_subscription as erasure_group
from storycam.kit.logging import get_logger
from storycam.kit.state import ServiceState
from storycam.kit.uow import UnitOfWork
from storycam.payments.charges import service as charges
from storycam.payments.charges.policy import ChargePolicy
from storycam.payments.ledger import service as ledger
from storycam.payments.purchases.erasure import erase_purchases
from storycam.payments.subscriptions import service

log = get_logger(__name__)


async def erase_user(event: UserErasureRequested, work: UnitOfWork, policy: ChargePolicy) -> None:
    deleted = await service.erase(work, event.user_id)
    # Charges and the ledger (docs/credits.md): kept grants a purchase paid for are unlinked, the rest deleted.
    connection = await work.connection()
    charges_deleted = await charges.erase(connection, event.user_id, policy)
    entries_deleted, entries_unlinked = await ledger.erase(connection, event.user_id)
    purchases_unlinked = await erase_purchases(work, event.user_id)
    log.info(
        "user.erased",
        request_id=str(event.request_id),
        grants_deleted=deleted,
        charges_deleted=charges_deleted,
        credit_entries_deleted=entries_deleted,
        credit_entries_unlinked=entries_unlinked,
        purchases_unlinked=purchases_unlinked,
    )


def erasure_subscription(state: ServiceState, policy: ChargePolicy) -> Subscription[UserErasureRequested]:
    return erasure_group(state, lambda event, work: erase_user(event, work, policy))
