from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator

from storycam.kit.settings import ServiceSettings


class MediaSettings(ServiceSettings):
    port: int = 8002

    xai_api_key: SecretStr | None = None
    xai_base_url: str = "https://api.x.ai/v1"
    xai_video_model: str = "grok-imagine-video"
    payments_url: str = "http://127.0.0.1:8003"

    # Where photos and clips live, shared with the gateway (storycam.kit.storage): a folder or s3://.
    storage_url: str = ".data/objects"

    # Kiss Cam limits: jobs a user may start in an hour (one at a time in any case).
    kisscam_jobs_per_hour: int = Field(default=10, ge=1, le=1000)
    # Clips (and any photo left behind) are removed this long after they were written; a repeat of the same photos
    # and style within it gets the stored clip again, free.
    kisscam_clip_retention_hours: float = Field(default=24, gt=0, le=24 * 30)
    # Job workers this process runs (0: the API only; run `storycam-media worker` elsewhere).
    kisscam_workers: int = Field(default=1, ge=0, le=32)
    # A job whose worker has shown no sign of life this long is taken over by another worker.
    kisscam_reclaim_idle_ms: int = Field(default=60_000, ge=500, le=3_600_000)
    # Starts of one job (the first and the take-overs after a worker died) before it fails as "internal".
    kisscam_max_attempts: int = Field(default=3, ge=1, le=10)
    # The whole generation by a provider, polling included.
    kisscam_generation_deadline_seconds: float = Field(default=600, gt=0, le=3600)
    # How long payments keeps a hold before giving the credit back by itself: longer than a job can take.
    kisscam_charge_ttl_seconds: int = Field(default=3600, ge=60, le=86_400)
    kisscam_sweep_interval_seconds: float = Field(default=600, gt=0, le=86_400)

    # The C2PA signing certificate (PEM chain, signer first) and its EC P-256 key; both or neither. Without them
    # clips are signed with a certificate made for the process, which verifiers report as an unknown signer.
    c2pa_signing_cert_file: Path | None = None
    c2pa_signing_key_file: Path | None = None

    @model_validator(mode="after")
    def _c2pa_pair(self) -> MediaSettings:
        if (self.c2pa_signing_cert_file is None) != (self.c2pa_signing_key_file is None):
            raise ValueError("set both C2PA_SIGNING_CERT_FILE and C2PA_SIGNING_KEY_FILE, or neither")
        return self
