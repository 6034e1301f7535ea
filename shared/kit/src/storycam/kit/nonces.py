"""Nonces remembered in Redis, so a signed request is accepted once: the claims of requests that arrive together
go to Redis in one pipeline.

A claim alone is one Redis command, and redis-py spends about 0.2 ms of CPU on each: a tenth of a story step.
Under load many requests wait for their claim at the same moment, and one pipeline for all of them costs a
fraction of that per claim (measured in docs/benchmarks.md). A claim waits for no timer: the batch is whatever
was claimed before the pipeline's task first runs, one turn of the event loop later.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from redis.asyncio import Redis


class NonceRegister:
    def __init__(self, redis: Callable[[], Redis]) -> None:
        self._redis = redis
        self._batch: list[tuple[str, int, asyncio.Future[bool]]] = []
        self._flushing: set[asyncio.Task[None]] = set()  # held, so a running pipeline is not collected

    async def first_use(self, key: str, remember_ms: int) -> bool:
        """Whether ``key`` is new (and now remembered for ``remember_ms``); raises the Redis client's error when
        Redis cannot say."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._batch.append((key, remember_ms, future))
        if len(self._batch) == 1:
            task = asyncio.create_task(self._flush(), name="nonce-claims")
            self._flushing.add(task)
            task.add_done_callback(self._flushing.discard)
        return await future

    async def _flush(self) -> None:
        batch, self._batch = self._batch, []
        try:
            redis = self._redis()
            if len(batch) == 1:  # alone: a pipeline would only cost more
                [(key, remember_ms, _)] = batch
                answers = [await redis.set(key, b"", nx=True, px=remember_ms)]
            else:
                async with redis.pipeline(transaction=False) as pipeline:
                    for key, remember_ms, _ in batch:
                        pipeline.set(key, b"", nx=True, px=remember_ms)
                    answers = await pipeline.execute()
        except asyncio.CancelledError:  # the service stops: so do the requests waiting on this batch
            for _, _, future in batch:
                future.cancel()
            raise
        except Exception as exc:  # Redis away or failing: every claim of the batch fails with it
            for _, _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, _, future), answer in zip(batch, answers, strict=True):
            if not future.done():  # its request may have gone away meanwhile
                future.set_result(bool(answer))
