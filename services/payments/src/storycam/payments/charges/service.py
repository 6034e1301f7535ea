"""Rules of charges: pay from the first source that can, never twice, never free by accident.

Order: a classic clip from the free daily allowance, then credits; an AI video from the one-time trial, then the
subscription period's AI videos, then credits. Every change takes the user's lock first (the ledger's balance row),
so two charges of one user are decided one after another, each seeing the other's use of an allowance.

A charge paid by credits holds them in the ledger under ``charge:<key>`` with the same expiry; settling or
releasing the charge settles or releases that hold. An allowance or the trial is used while its charge is held or
settled; a released charge gives the use back (the job failed, the user should not lose their free clip).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storycam.contracts.payments import (
    Allowances,
    Charge,
    ChargeKind,
    ChargeRequest,
    ChargeSource,
    ChargeState,
    Quote,
)
from storycam.kit.db import Connection, Executor
from storycam.kit.errors import Conflict, NotFound
from storycam.kit.logging import get_logger
from storycam.payments.charges import repository, trial_marks
from storycam.payments.charges.policy import TRIAL_WINDOW, ChargePolicy, period_window
from storycam.payments.ledger import service as ledger
from storycam.payments.ledger.service import InsufficientCredits

log = get_logger(__name__)


class ChargeKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_detail = "This charge key was already used for another kind of charge for this user."


class ChargeNotFound(NotFound):
    code = "charge_not_found"
    default_detail = "No charge under this key for this user."


class ChargeAlreadyClosed(Conflict):
    code = "charge_already_closed"
    default_detail = "This charge was already closed the other way."


@dataclass(frozen=True)
class Payer:
    source: ChargeSource
    credits: int
    window: str | None  # the allowance window it uses; None for credits


def credit_hold_key(charge_key: str) -> str:
    """The ledger hold's key for a charge: ``charge:<key>``, or its digest when that would be too long a key."""
    key = f"charge:{charge_key}"
    if len(key) <= ledger.MAX_KEY_LENGTH:
        return key
    return f"charge#{hashlib.sha256(charge_key.encode()).hexdigest()}"


async def _free_source(
    db: Executor, user_id: int, kind: ChargeKind, policy: ChargePolicy, now: datetime
) -> Payer | None:
    if kind == "kisscam.classic":
        day = policy.day_window(now)
        if policy.classic_per_day and await repository.uses(db, user_id, day) < policy.classic_per_day:
            return Payer("daily_allowance", 0, day)
        return None
    if await _trial_left(db, user_id, policy):
        return Payer("ai_trial", 0, TRIAL_WINDOW)
    period = await repository.current_period(db, user_id, now)
    if period is not None and period.ai_videos > 0:
        window = period_window(period.subscription_id, period.active_from, now)
        if await repository.uses(db, user_id, window) < period.ai_videos:
            return Payer("subscription_allowance", 0, window)
    return None


async def _payer(
    db: Executor, user_id: int, kind: ChargeKind, policy: ChargePolicy, now: datetime, available: int
) -> Payer | None:
    free = await _free_source(db, user_id, kind, policy, now)
    if free is not None:
        return free
    cost = policy.credits_for(kind)
    return Payer("credits", cost, None) if available >= cost else None


async def quote(
    db: Executor, user_id: int, kind: ChargeKind, policy: ChargePolicy, *, now: datetime | None = None
) -> Quote:
    """What one more would cost now, charging nothing (a moment later the answer may differ: charge decides)."""
    available = (await ledger.balance(db, user_id)).available
    payer = await _payer(db, user_id, kind, policy, now or datetime.now(UTC), available)
    if payer is None:
        return Quote(kind=kind, source=None, credits=policy.credits_for(kind), affordable=False)
    return Quote(kind=kind, source=payer.source, credits=payer.credits, affordable=True)


async def charge(
    connection: Connection, user_id: int, request: ChargeRequest, policy: ChargePolicy, *, now: datetime | None = None
) -> tuple[Charge, bool]:
    """Hold what one job costs; the charge and True ("made now"). The same key again answers the charge already
    made (in whatever state it is now) and False; the key with another kind is refused. InsufficientCredits (402)
    when nothing can pay."""
    now = now or datetime.now(UTC)
    current = await ledger.lock_user(connection, user_id)
    earlier = await repository.by_key(connection, user_id, request.key)
    if earlier is not None:
        if earlier.kind != request.kind:
            raise ChargeKeyReused()
        return earlier, False
    payer = await _payer(connection, user_id, request.kind, policy, now, current.available)
    if payer is None:
        raise InsufficientCredits()
    ttl = timedelta(seconds=request.ttl_seconds) if request.ttl_seconds else policy.ttl
    expires_at = now + ttl
    if payer.source == "credits":
        await ledger.hold(connection, user_id, payer.credits, credit_hold_key(request.key), ttl=ttl, now=now)
    made = await repository.insert(
        connection,
        user_id=user_id,
        key=request.key,
        kind=request.kind,
        source=payer.source,
        credits=payer.credits,
        window=payer.window,
        expires_at=expires_at,
    )
    log.info("charge.held", kind=made.kind, source=made.source, credits=made.credits)
    return made, True


async def settle(connection: Connection, user_id: int, key: str) -> Charge:
    """Spend the charge (the job succeeded). Again: nothing more happens. After a release: 409."""
    return await _close(connection, user_id, key, "settled")


async def release(connection: Connection, user_id: int, key: str) -> Charge:
    """Give the charge back (the job failed). Again: nothing more happens. After a settle: 409."""
    return await _close(connection, user_id, key, "released")


async def _close(connection: Connection, user_id: int, key: str, state: ChargeState) -> Charge:
    await ledger.lock_user(connection, user_id)
    found = await repository.by_key(connection, user_id, key)
    if found is None:
        raise ChargeNotFound()
    if found.state == state:
        return found  # a retry of what already happened
    if found.state != "held":
        raise ChargeAlreadyClosed(f"This charge was already {found.state}.")
    return await _apply_close(connection, user_id, found, state)


async def _apply_close(connection: Connection, user_id: int, found: Charge, state: ChargeState) -> Charge:
    if found.source == "credits":
        # The ledger's own sweeper may have released the hold first (it expired): settling is then refused by the
        # ledger (409) and the charge is released by the next sweep.
        close_hold = ledger.settle if state == "settled" else ledger.release
        await close_hold(connection, user_id, credit_hold_key(found.key))
    closed = await repository.close(connection, user_id, found.key, state)
    log.info(f"charge.{state}", kind=closed.kind, source=closed.source, credits=closed.credits)
    return closed


async def sweep_expired(connection: Connection, *, now: datetime | None = None, limit: int = 100) -> int:
    """Release held charges past their expiry (a job that died); how many. Safe on every replica at once: each is
    re-read under its user's lock and skipped when closed meanwhile; users are locked in id order."""
    released = 0
    for user_id, key in await repository.expired(connection, now or datetime.now(UTC), limit):
        await ledger.lock_user(connection, user_id)
        found = await repository.by_key(connection, user_id, key)
        if found is None or found.state != "held":
            continue
        await _apply_close(connection, user_id, found, "released")
        released += 1
    if released:
        log.info("charges.swept", released=released)
    return released


async def allowances(db: Executor, user_id: int, policy: ChargePolicy, *, now: datetime | None = None) -> Allowances:
    """What the user has left for free now: today's classic clips, the AI trial, the period's AI videos."""
    now = now or datetime.now(UTC)
    used_today = await repository.uses(db, user_id, policy.day_window(now))
    trial_left = await _trial_left(db, user_id, policy)
    period = await repository.current_period(db, user_id, now)
    in_period = period.ai_videos if period else 0
    used_in_period = 0
    if period is not None and in_period:
        used_in_period = await repository.uses(
            db, user_id, period_window(period.subscription_id, period.active_from, now)
        )
    return Allowances(
        classic_per_day=policy.classic_per_day,
        classic_left_today=max(0, policy.classic_per_day - used_today),
        ai_trial_left=trial_left,
        ai_in_period=in_period,
        ai_left_in_period=max(0, in_period - used_in_period),
    )


async def _trial_left(db: Executor, user_id: int, policy: ChargePolicy) -> bool:
    if not policy.ai_trial or await repository.uses(db, user_id, TRIAL_WINDOW):
        return False
    return not await trial_marks.marked(db, policy.trial_mark_keys, user_id)


async def erase(connection: Connection, user_id: int, policy: ChargePolicy) -> int:
    """``/delete_me``: the user's charges go (their credit holds go with the ledger's erasure); a trial used is
    remembered as a keyed digest only, so coming back is not another free AI video."""
    if await repository.uses(connection, user_id, TRIAL_WINDOW):
        await trial_marks.mark(connection, policy.trial_mark_keys, user_id)
    return await repository.delete_for_user(connection, user_id)
