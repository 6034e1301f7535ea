"""Update workers: each update handled once, in order per chat, across replicas and a replica's death."""

from __future__ import annotations

import asyncio
import json
import random
import signal
import subprocess
import sys
from typing import Any

from redis.asyncio import Redis

from storycam.gateway.ingress.journal import GROUP, UpdateJournal, stream_name
from tests.conftest import ROOT
from tests.gateway.support import Recorder, replica, streams_settled, text_update, until

PARTITIONS = 8


async def _journal_interleaved(redis: Redis, chats: int, per_chat: int, seed: int) -> None:
    journal = UpdateJournal(redis, 1, PARTITIONS)
    queues = {chat: list(range(per_chat)) for chat in range(1000, 1000 + chats)}
    rng = random.Random(seed)
    update_id = 0
    while queues:
        chat = rng.choice(list(queues))
        n = queues[chat].pop(0)
        if not queues[chat]:
            del queues[chat]
        update_id += 1
        update = text_update(update_id, chat, str(n))
        await journal.append(update_id, json.dumps(update), update)


async def _all_handled(redis: Redis) -> bool:
    """Every journaled update delivered and acked: none is being handled, none is left to handle or redo."""
    return await streams_settled(redis, [stream_name(p) for p in range(PARTITIONS)], GROUP)


async def test_500_updates_from_50_chats_are_handled_once_and_in_order_by_three_replicas(redis: Redis) -> None:
    await _journal_interleaved(redis, chats=50, per_chat=10, seed=7)
    recorder = Recorder()
    # Leases as long as production's: on a starved machine a 1 s lease can lapse between renewals, and then the
    # next owner rightly handles the unacked update again (replay keeps its effect to one; see the kill test).
    replicas = [replica(redis, f"replica-{n}", PARTITIONS, recorder, lease_seconds=10.0) for n in range(3)]
    tasks = [asyncio.create_task(r.run()) for r in replicas]
    try:
        await until(lambda: _all_handled(redis), seconds=90)
    finally:
        for r in replicas:
            r.stop()
        await asyncio.gather(*tasks)
    assert recorder.count == 500
    assert all(seen == list(range(10)) for seen in recorder.seen.values())
    assert len(recorder.seen) == 50
    owned = [len(r.owned) for r in replicas]
    assert owned == [0, 0, 0]  # all released on stop


async def test_a_replica_killed_mid_stream_loses_nothing(redis: Redis, redis_url: str) -> None:
    await _journal_interleaved(redis, chats=20, per_chat=10, seed=11)
    doomed = subprocess.Popen(
        [sys.executable, "-m", "tests.gateway.doomed_replica", redis_url, str(PARTITIONS)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert doomed.stdout is not None
        handled_before = 0
        async with asyncio.timeout(30):
            while handled_before < 40:  # let it own every partition and get well into the stream
                line = await asyncio.to_thread(doomed.stdout.readline)
                assert line, "the doomed replica exited early"
                handled_before += 1
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        if doomed.poll() is None:
            doomed.kill()
        if doomed.stdout is not None:
            doomed.stdout.close()
    records = [json.loads(r) for r in await redis.lrange("test:handled", 0, -1)]

    recorder = Recorder()
    # The dead replica's leases were 1 s; the survivor's own are long, as above, so that its updates are not redone.
    survivor = replica(redis, "survivor", PARTITIONS, recorder, lease_seconds=10.0)
    task = asyncio.create_task(survivor.run())
    try:
        # The survivor waits for the dead replica's leases to lapse, then finishes its work.
        await until(lambda: _all_handled(redis), seconds=30)
    finally:
        survivor.stop()
        await task

    for chat in range(1000, 1020):
        before = [n for c, n in records if c == chat]
        after = recorder.seen.get(chat, [])
        # In order, nothing lost; only an update in flight at the kill may be handled a second time.
        combined = before + after
        assert sorted(set(combined)) == list(range(10)), (chat, before, after)
        assert before == list(range(len(before)))
        if after:
            assert after == list(range(after[0], 10))
            assert after[0] >= len(before) - 1


async def test_only_the_first_try_of_a_first_delivery_is_fresh(redis: Redis) -> None:
    """A handler's Bot API calls skip looking up recorded results only when nothing can have been done before."""
    tries: list[tuple[int, bool]] = []

    async def flaky(update: dict[str, Any], *, fresh: bool) -> None:
        tries.append((update["update_id"], fresh))
        if update["update_id"] == 1 and len(tries) == 1:
            raise RuntimeError("Telegram away for a moment")

    journal = UpdateJournal(redis, 1, 1)
    for update in (text_update(1, 1000, "0"), text_update(2, 1000, "1")):
        await journal.append(update["update_id"], json.dumps(update), update)
    workers = replica(redis, "replica", 1, flaky)  # two tries in a delivery
    task = asyncio.create_task(workers.run())
    try:
        await until(lambda: streams_settled(redis, [stream_name(0)], GROUP))
    finally:
        workers.stop()
        await task
    assert tries == [(1, True), (1, False), (2, True)]
