"""The subscription lifecycle job: reminders before premium ends and the news that it ended, each sent once.

Every replica runs it every minute or so. Each announcement is its own unit of work claiming an inbox key named
for the fact (``subscription.reminder:<period id>:<end>:<days>``, ``subscription.expired:<period id>:<end>``,
of the last period's row: no Telegram id in a key that outlives an erasure): two replicas at the same moment
serialise on the key, and the second finds it taken and sends nothing. A new payment moves the end, so the next
end gets its own reminders.

A Stars subscription that renews itself still gets its reminders, saying it will renew (``auto_renew``), so the
user knows a charge is coming and can cancel; its end is announced only after a grace time, because Telegram's
renewal payment may land a little after the period's last second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from pydantic import BaseModel

from storycam.contracts.events import Streams
from storycam.contracts.payments import SubscriptionEnding, SubscriptionExpired
from storycam.kit.db import Executor
from storycam.kit.logging import get_logger
from storycam.kit.uow import UnitOfWork, Wakeable, in_unit_of_work
from storycam.payments.account import repository as accounts
from storycam.payments.lifecycle import repository
from storycam.payments.lifecycle.repository import Ending

log = get_logger(__name__)

REMINDER_DAYS = (3, 1)  # days before the end; the first due one is sent, a missed earlier one is not


@dataclass(frozen=True)
class LifecycleRules:
    renewal_grace: timedelta
    lookback: timedelta
    fallback_product_id: str  # what a renewal button buys when the last period was support's grant


async def premium_end(db: Executor, user_id: int) -> datetime | None:
    """When the user's premium ends, counting the periods already paid after the current one."""
    return await repository.premium_end(db, user_id)


def _days_left(ends_at: datetime, now: datetime) -> int:
    left = ends_at - now
    return min(days for days in REMINDER_DAYS if left <= timedelta(days=days))


async def _announcement(
    db: Executor, ending: Ending, now: datetime, rules: LifecycleRules
) -> tuple[str, BaseModel] | None:
    renewal = await accounts.renewal(db, ending.user_id)
    auto_renew = renewal is not None and renewal.auto_renew
    product_id = ending.product_id or rules.fallback_product_id
    fact = f"{ending.subscription_id}:{int(ending.ends_at.timestamp())}"  # a period cut short (refund) ends anew
    if ending.ends_at > now:
        days = _days_left(ending.ends_at, now)
        key = f"subscription.reminder:{fact}:{days}"
        return key, SubscriptionEnding(
            event_id=key,
            user_id=ending.user_id,
            ends_at=ending.ends_at,
            days_left=days,
            auto_renew=auto_renew,
            product_id=product_id,
        )
    if auto_renew and now < ending.ends_at + rules.renewal_grace:
        return None  # Telegram may still renew it
    if ending.ended_by_refund:
        return None  # the refund's news said so already ("Premium is no longer active")
    key = f"subscription.expired:{fact}"
    return key, SubscriptionExpired(
        event_id=key, user_id=ending.user_id, ended_at=ending.ends_at, product_id=product_id
    )


async def check_subscriptions(
    db: asyncpg.Pool, relay: Wakeable | None, rules: LifecycleRules, *, now: datetime | None = None
) -> int:
    """One round: announce what is due; how many announcements were sent now (not before)."""
    now = now or datetime.now(UTC)
    sent = 0
    for ending in await repository.endings(db, now - rules.lookback, now + timedelta(days=max(REMINDER_DAYS))):
        due = await _announcement(db, ending, now, rules)
        if due is None:
            continue
        key, event = due

        async def publish(work: UnitOfWork, event: BaseModel = event) -> bool:
            await work.publish(Streams.PAYMENTS_EVENTS, event)
            return True

        if await in_unit_of_work(db, relay, publish, inbox_key=key):
            sent += 1
            log.info("subscription.announced", announcement=key.split(":", 1)[0])
    return sent
