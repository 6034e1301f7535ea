"""``/delete_me`` on charges and the credit ledger: what is the user's goes, what accounting must keep stays,
unlinked from the Telegram id; the append-only rule still holds for everything else."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
import pytest
from cryptography.fernet import Fernet

from storycam.contracts.users import UserErasureRequested
from storycam.kit.uow import unit_of_work
from storycam.payments.charges import service as charges
from storycam.payments.charges import trial_marks
from storycam.payments.charges.trial_marks import mark_keys
from storycam.payments.ledger import service as ledger
from storycam.payments.subscriptions.erasure import erase_user
from tests.payments.charging import POLICY, charge, fund, paid_period
from tests.story.support import new_user


async def _erase(pool: asyncpg.Pool, user: int) -> None:
    # What the payments.erasure consumer runs, in the unit of work the kit opens around it.
    request = UserErasureRequested(request_id=uuid4(), user_id=user, requested_at=datetime.now(UTC))
    async with unit_of_work(pool) as work:
        await erase_user(request, work, POLICY)


async def test_erasure_deletes_holds_and_charges_and_unlinks_paid_grants(payments_pool: asyncpg.Pool) -> None:
    user, neighbour = new_user(), new_user()
    _, purchase_id = await paid_period(payments_pool, user, start=await payments_pool.fetchval("SELECT now()"))
    async with payments_pool.acquire() as connection, connection.transaction():
        await ledger.grant(connection, user, 5, f"purchase:{purchase_id}", purchase_id=purchase_id)
    await fund(payments_pool, user, 2)  # support's gift: the user's data, not an accounting record
    await fund(payments_pool, neighbour, 2)
    for key in ("clip-1", "clip-2", "clip-3", "clip-4"):
        await charge(payments_pool, user, "kisscam.classic", key)
    await charge(payments_pool, neighbour, "kisscam.classic", "clip-1")
    async with payments_pool.acquire() as connection, connection.transaction():
        await ledger.hold(connection, user, 1, "job-open", ttl=timedelta(minutes=5))
        await ledger.settle(connection, user, "charge:clip-4")

    await _erase(payments_pool, user)

    async def count(table: str, who: int) -> int:
        return int(await payments_pool.fetchval(f"SELECT count(*) FROM {table} WHERE user_id = $1", who))

    tables = ("charges", "credit_entries", "credit_balances", "credit_open_holds")
    assert {t: await count(t, user) for t in tables} == dict.fromkeys(tables, 0)
    kept = await payments_pool.fetch(
        "SELECT user_id, kind, credits FROM credit_entries WHERE purchase_id = $1", purchase_id
    )
    assert [(r["user_id"], r["kind"], r["credits"]) for r in kept] == [(None, "grant", 5)]
    # The neighbour is untouched.
    assert await count("charges", neighbour) == 1
    assert await count("credit_entries", neighbour) == 1
    # Coming back after erasure is coming back new: the erased balance is not theirs any more.
    assert (await ledger.balance(payments_pool, user)).available == 0


async def test_the_ledger_stays_append_only_outside_an_erasure(payments_pool: asyncpg.Pool) -> None:
    user, other = new_user(), new_user()
    await fund(payments_pool, user, 3)
    await fund(payments_pool, other, 3)
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await payments_pool.execute("DELETE FROM credit_entries WHERE user_id = $1", user)
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await payments_pool.execute("UPDATE credit_entries SET user_id = NULL WHERE user_id = $1", user)
    async with payments_pool.acquire() as connection, connection.transaction():
        # An erasure names one user: another's rows stay protected, and a kept row may only lose its user id.
        await connection.execute("SELECT set_config('payments.erasing_user', $1::text, true)", str(user))
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await connection.execute("DELETE FROM credit_entries WHERE user_id = $1", other)
    async with payments_pool.acquire() as connection, connection.transaction():
        await connection.execute("SELECT set_config('payments.erasing_user', $1::text, true)", str(user))
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await connection.execute("UPDATE credit_entries SET credits = 100 WHERE user_id = $1", user)
    async with payments_pool.acquire() as connection, connection.transaction():
        await connection.execute("SELECT set_config('payments.erasing_user', $1::text, true)", str(user))
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await connection.execute("UPDATE credit_entries SET user_id = $2 WHERE user_id = $1", user, other)
    # The flag lasts one transaction: the next one is refused again.
    with pytest.raises(asyncpg.RaiseError, match="append-only"):
        await payments_pool.execute("DELETE FROM credit_entries WHERE user_id = $1", user)
    assert await payments_pool.fetchval("SELECT count(*) FROM credit_entries WHERE user_id = $1", user) == 1


async def test_an_erasure_redelivered_changes_nothing_more(payments_pool: asyncpg.Pool) -> None:
    user = new_user()
    await fund(payments_pool, user, 1)
    await charge(payments_pool, user, "kisscam.ai", f"trial-{uuid4()}")
    await _erase(payments_pool, user)
    await _erase(payments_pool, user)
    assert await payments_pool.fetchval("SELECT count(*) FROM charges WHERE user_id = $1", user) == 0


async def test_a_trial_used_outlives_the_erasure_as_a_mark_and_nothing_else(payments_pool: asyncpg.Pool) -> None:
    user, neighbour = new_user(), new_user()
    assert await charge(payments_pool, user, "kisscam.ai", f"trial-{uuid4()}") == "ai_trial"
    await _erase(payments_pool, user)
    await _erase(payments_pool, neighbour)  # never had a trial: leaves no mark

    # Back after /delete_me: everything else is new, but not the free AI video.
    allowances = await charges.allowances(payments_pool, user, POLICY)
    assert not allowances.ai_trial_left
    assert (await charges.quote(payments_pool, user, "kisscam.ai", POLICY)).source is None
    assert (await charges.quote(payments_pool, neighbour, "kisscam.ai", POLICY)).source == "ai_trial"
    # The mark is a keyed digest: neither the id nor its plain hash, which anyone could compute.
    plain = [str(user).encode(), hashlib.sha256(str(user).encode()).digest()]
    assert await payments_pool.fetchval("SELECT count(*) FROM trial_marks WHERE mark = ANY($1::bytea[])", plain) == 0
    assert await trial_marks.marked(payments_pool, POLICY.trial_mark_keys, user)
    assert not await trial_marks.marked(payments_pool, POLICY.trial_mark_keys, neighbour)


async def test_a_mark_made_under_an_older_key_still_counts_after_a_rotation(payments_pool: asyncpg.Pool) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    user = new_user()
    await trial_marks.mark(payments_pool, mark_keys([old]), user)
    assert await trial_marks.marked(payments_pool, mark_keys([new, old]), user)
    assert not await trial_marks.marked(payments_pool, mark_keys([new]), user)  # the old key dropped: forgotten
