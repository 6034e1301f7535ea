"""Rules of the credit ledger. The balance never goes below zero, and a retried call changes nothing.

Every function that changes credits takes the caller's connection, inside the caller's transaction (the unit of
work), and first locks the user's balance row: changes to one user's credits run one at a time, each seeing the
last one's result, while different users never wait for each other.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from storycam.kit.db import Connection, Executor
from storycam.kit.errors import BadRequest, Conflict, NotFound, StorycamError
from storycam.kit.logging import get_logger
from storycam.payments.ledger import repository
from storycam.payments.ledger.models import CreditBalance, CreditGrant, CreditHold, EntryKind, HoldState

log = get_logger(__name__)

MAX_KEY_LENGTH = 128
MAX_CREDITS = 100_000


class InsufficientCredits(StorycamError):
    status_code = 402
    code = "insufficient_credits"
    default_detail = "Not enough credits for this."


class CreditKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_detail = "This idempotency key was already used for a different request for this user."


class HoldNotFound(NotFound):
    code = "hold_not_found"
    default_detail = "No credit hold under this key for this user."


class HoldAlreadyClosed(Conflict):
    code = "hold_already_closed"
    default_detail = "This credit hold was already closed the other way."


def _check(credits: int, key: str) -> None:
    if not 0 < credits <= MAX_CREDITS:
        raise BadRequest(f"credits must be between 1 and {MAX_CREDITS}")
    if not key or len(key) > MAX_KEY_LENGTH:
        raise BadRequest(f"an idempotency key has 1 to {MAX_KEY_LENGTH} characters")


async def balance(db: Executor, user_id: int) -> CreditBalance:
    return await repository.balance(db, user_id)


async def lock_user(connection: Connection, user_id: int) -> CreditBalance:
    """Take the user's lock (their balance row) until the transaction ends, as every credit change does first:
    what spends on the user's behalf without credits (charges paid by an allowance) serialises on it too."""
    return await repository.lock_balance(connection, user_id)


async def grant(
    connection: Connection,
    user_id: int,
    credits: int,
    idempotency_key: str,
    *,
    purchase_id: UUID | None = None,
    reason: str | None = None,
) -> tuple[CreditGrant, bool]:
    """Add credits (a purchase, a support gesture). Made once per key: the same call again answers the grant
    already made and False ("not made now"); the key with other credits is refused."""
    _check(credits, idempotency_key)
    await repository.lock_balance(connection, user_id)
    earlier = await repository.grant_by_key(connection, user_id, idempotency_key)
    if earlier is not None:
        if (earlier.credits, earlier.purchase_id) != (credits, purchase_id):
            raise CreditKeyReused()
        return earlier, False
    made = await repository.insert_grant(connection, user_id, credits, idempotency_key, purchase_id, reason)
    await repository.change_balance(connection, user_id, available=credits, held=0)
    log.info("credits.granted", entry_id=made.id, credits=credits)
    return made, True


async def hold(
    connection: Connection,
    user_id: int,
    credits: int,
    idempotency_key: str,
    *,
    ttl: timedelta,
    now: datetime | None = None,
) -> CreditHold:
    """Set credits aside for a job; InsufficientCredits when the user has fewer available. The same key again
    answers the same hold (in whatever state it is now) and holds nothing more."""
    _check(credits, idempotency_key)
    if ttl <= timedelta(0):
        raise BadRequest("a hold must last some time")
    current = await repository.lock_balance(connection, user_id)
    earlier = await repository.hold_by_key(connection, user_id, idempotency_key)
    if earlier is not None:
        if earlier.credits != credits:
            raise CreditKeyReused()
        return earlier
    if current.available < credits:
        raise InsufficientCredits()
    expires_at = (now or datetime.now(UTC)) + ttl
    made = await repository.insert_hold(connection, user_id, credits, idempotency_key, expires_at)
    await repository.change_balance(connection, user_id, available=-credits, held=credits)
    log.info("credits.held", hold_id=made.id, credits=credits)
    return made


async def settle(connection: Connection, user_id: int, hold_key: str) -> CreditHold:
    """Spend a hold's credits (the job succeeded). Again: nothing more happens. After a release: refused.

    A hold past its expiry that the sweeper has not released yet can still be settled: the credits are there."""
    return await _close(connection, user_id, hold_key, EntryKind.SETTLE)


async def release(connection: Connection, user_id: int, hold_key: str) -> CreditHold:
    """Give a hold's credits back (the job failed). Again: nothing more happens. After a settle: refused."""
    return await _close(connection, user_id, hold_key, EntryKind.RELEASE)


_CLOSED_BY = {EntryKind.SETTLE: HoldState.SETTLED, EntryKind.RELEASE: HoldState.RELEASED}


async def _close(connection: Connection, user_id: int, hold_key: str, kind: EntryKind) -> CreditHold:
    await repository.lock_balance(connection, user_id)
    found = await repository.hold_by_key(connection, user_id, hold_key)
    if found is None:
        raise HoldNotFound()
    if found.state is _CLOSED_BY[kind]:
        return found  # a retry of what already happened
    if found.state is not HoldState.HELD:
        raise HoldAlreadyClosed(f"This credit hold was already {found.state.value}.")
    return await _apply_close(connection, found, kind)


async def _apply_close(connection: Connection, found: CreditHold, kind: EntryKind) -> CreditHold:
    closed = await repository.close_hold(connection, found, kind)
    assert closed, "the balance lock is held, so nobody closed this hold since it was read"
    returned = found.credits if kind is EntryKind.RELEASE else 0
    await repository.change_balance(connection, found.user_id, available=returned, held=-found.credits)
    log.info(f"credits.{_CLOSED_BY[kind].value}", hold_id=found.id, credits=found.credits)
    return found.model_copy(update={"state": _CLOSED_BY[kind]})


async def sweep_expired_holds(connection: Connection, *, now: datetime | None = None, limit: int = 100) -> int:
    """Release holds that outlived their expiry (a job that died without settling or releasing); how many.

    Safe to run on every replica at once: each hold is re-read under its user's lock, and one already closed by
    a settle, a release or another sweeper is skipped. Users are locked in id order, so two sweepers never wait
    for each other in a circle."""
    released = 0
    for user_id, hold_id in await repository.expired_holds(connection, now or datetime.now(UTC), limit):
        await repository.lock_balance(connection, user_id)
        found = await repository.hold_by_id(connection, hold_id)
        if found is None or found.state is not HoldState.HELD:
            continue
        await _apply_close(connection, found, EntryKind.RELEASE)
        released += 1
    if released:
        log.info("credits.holds_swept", released=released)
    return released


async def erase(connection: Connection, user_id: int) -> tuple[int, int]:
    """``/delete_me`` on the ledger: holds, spending and support's gifts go; grants a purchase paid for stay as
    accounting records, unlinked from the Telegram id (their ``purchase_id`` still ties them to the payment).
    (deleted, unlinked) entries."""
    await repository.lock_balance(connection, user_id)
    deleted, unlinked = await repository.erase_user(connection, user_id)
    log.info("credits.erased", deleted=deleted, unlinked=unlinked)
    return deleted, unlinked
