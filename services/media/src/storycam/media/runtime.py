"""The media service's own resources, made once per process: storage, providers, the payments client, the job
workers and the storage sweeper. The service's lifespan and ``storycam-media worker`` both make one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import asyncpg
import httpx
from redis.asyncio import Redis

from storycam.kit.http import service_client
from storycam.kit.storage import Storage, open_storage
from storycam.kit.tasks import stop_tasks
from storycam.kit.uow import Wakeable
from storycam.media.faces import HaarFaceDetector
from storycam.media.jobs.charges import Charges
from storycam.media.jobs.lifecycle import Sweeper
from storycam.media.jobs.pipeline import JobLimits, JobPipeline
from storycam.media.jobs.service import JobRules
from storycam.media.jobs.worker import JobWorker
from storycam.media.provenance import SigningCredentials
from storycam.media.providers.registry import Providers
from storycam.media.settings import MediaSettings

PAYMENTS_TIMEOUT_SECONDS = 10.0

MakeProviders = Callable[[MediaSettings], Providers]


@dataclass
class MediaRuntime:
    settings: MediaSettings
    storage: Storage
    providers: Providers
    charges: Charges
    rules: JobRules
    sweeper: Sweeper
    workers: list[JobWorker] = field(default_factory=list)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        settings: MediaSettings,
        db: asyncpg.Pool,
        redis: Redis,
        relay: Wakeable | None,
        *,
        instance: str,
        workers: int,
        payments_transport: httpx.AsyncBaseTransport | None = None,
        make_providers: MakeProviders = Providers.from_settings,
    ) -> MediaRuntime:
        storage = open_storage(settings.storage_url)
        providers = make_providers(settings)
        client = service_client(
            settings.payments_url,
            settings,
            caller="media",
            timeout=PAYMENTS_TIMEOUT_SECONDS,
            transport=payments_transport,
        )
        charges = Charges(client, ttl_seconds=settings.kisscam_charge_ttl_seconds)
        retention = timedelta(hours=settings.kisscam_clip_retention_hours)
        limits = JobLimits(settings.kisscam_max_attempts, settings.kisscam_generation_deadline_seconds)
        runtime = cls(
            settings,
            storage,
            providers,
            charges,
            JobRules(settings.kisscam_jobs_per_hour, retention),
            Sweeper(storage, retention, settings.kisscam_sweep_interval_seconds),
        )
        signing = SigningCredentials.from_settings(settings)
        for n in range(workers):
            pipeline = JobPipeline(db, relay, storage, charges, providers, HaarFaceDetector(), limits, signing=signing)
            runtime.workers.append(
                JobWorker(
                    redis,
                    pipeline,
                    f"media-{instance}-w{n}",
                    reclaim_idle_ms=settings.kisscam_reclaim_idle_ms,
                    max_attempts=settings.kisscam_max_attempts,
                )
            )
        return runtime

    def start(self, *, sweep: bool) -> None:
        self._tasks = [asyncio.create_task(w.run(), name=f"kisscam-worker:{w.name}") for w in self.workers]
        if sweep:
            self._tasks.append(asyncio.create_task(self.sweeper.run(), name="kisscam-sweeper"))

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Workers finish the job in hand within the grace; one cut short is taken over by another worker."""
        for worker in self.workers:
            worker.stop()
        self.sweeper.stop()
        await stop_tasks(*self._tasks, grace=grace_seconds)
        await self.charges.aclose()
        await self.providers.aclose()
        await self.storage.aclose()
