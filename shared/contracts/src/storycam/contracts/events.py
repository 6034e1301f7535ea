"""Stream names and the events that travel on them.

Every event carries a ``type`` literal so a stream can hold several kinds and a consumer can tell them apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from storycam.contracts.base import Contract


class Streams:
    """Redis stream keys. A consumer's dead letters go to ``<stream>.dead``."""

    OPS_CANARY = "ops.canary"
    TELEGRAM_OUTBOUND = "telegram.outbound"
    USERS_ERASURE = "users.erasure"
    # Payments tell the gateway (and story, media) what happened to a user's money: payments.PaymentsEvent.
    PAYMENTS_EVENTS = "payments.events"
    # Kiss Cam jobs for the media workers (media.KissCamJob) and what became of them (media.MediaEvent).
    MEDIA_JOBS = "media.jobs"
    MEDIA_EVENTS = "media.events"


class CanaryPing(Contract):
    """A synthetic event an operator (or a probe) sends through the bus to prove it delivers end to end."""

    type: Literal["ops.canary_ping"] = "ops.canary_ping"
    canary_id: UUID
    sent_at: datetime
    origin: str
