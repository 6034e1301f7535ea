"""``/delete_me`` and purchases: kept, as accounting law requires, but no longer linked to the Telegram id.

The user's purchases (and the premium periods they paid for) move to a surrogate: a random negative number, one
per erasure, so the records of one former user still add up without naming them, and no key can turn the
Telegram id back into it. Personal fields (the sealed receipt contact or YooMoney sender, the chat, the story
to resume) are dropped; the renewal row goes; mismatch records lose the metadata YooKassa echoed back (also for
a payment we never knew, when its metadata names the user).
"""

from __future__ import annotations

import secrets

from storycam.kit.uow import UnitOfWork
from storycam.payments.fulfilment import repository as fulfilment
from storycam.payments.purchases import repository as purchases


def surrogate_id() -> int:
    return -(secrets.randbelow(2**62) + 1)


async def erase_purchases(work: UnitOfWork, user_id: int) -> int:
    """How many purchases were unlinked."""
    connection = await work.connection()
    await connection.execute(
        # The user's purchases' mismatches, and those of payments we never knew whose echoed metadata names them.
        "UPDATE payment_mismatches SET details = details - 'metadata' "
        "WHERE purchase_id IN (SELECT id FROM purchases WHERE user_id = $1) "
        "OR details -> 'metadata' ->> 'user_id' = $1::text",
        user_id,
    )
    surrogate = surrogate_id()
    await fulfilment.unlink_paid_periods(connection, user_id, surrogate)
    await fulfilment.delete_renewal(connection, user_id)
    return await purchases.unlink_user(connection, user_id, surrogate)
