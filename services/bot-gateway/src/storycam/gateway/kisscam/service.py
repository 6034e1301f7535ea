"""Everything Kiss Cam's handlers and its events consumer work with, made once in the lifespan."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from redis.asyncio import Redis

from storycam.gateway.clients.media import MediaClient
from storycam.gateway.clients.payments import PaymentsClient
from storycam.gateway.kisscam.collection import Collections
from storycam.gateway.kisscam.records import JobRecords
from storycam.gateway.settings import GatewaySettings
from storycam.kit.storage import Storage


@dataclass(frozen=True)
class KissCam:
    db: asyncpg.Pool
    collections: Collections
    records: JobRecords
    storage: Storage
    media: MediaClient
    payments: PaymentsClient
    pair_window_seconds: int

    @classmethod
    def build(
        cls,
        settings: GatewaySettings,
        db: asyncpg.Pool,
        redis: Redis,
        storage: Storage,
        media: MediaClient,
        payments: PaymentsClient,
    ) -> KissCam:
        return cls(
            db=db,
            collections=Collections(redis, settings.kisscam_pair_window_seconds, settings.kisscam_choice_seconds),
            records=JobRecords(redis, settings.kisscam_job_memory_seconds),
            storage=storage,
            media=media,
            payments=payments,
            pair_window_seconds=settings.kisscam_pair_window_seconds,
        )

    @property
    def pair_window_minutes(self) -> int:
        return max(1, round(self.pair_window_seconds / 60))
