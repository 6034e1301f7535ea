"""What a charge costs and which allowances exist: the operator's settings, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from storycam.contracts.payments import ChargeKind
from storycam.payments.charges.trial_marks import mark_keys
from storycam.payments.settings import PaymentsSettings

# A subscription's AI videos are "per 30 days": a longer period (support's 90 days) has one allowance per slice.
ALLOWANCE_PERIOD = timedelta(days=30)
TRIAL_WINDOW = "trial"


@dataclass(frozen=True)
class ChargePolicy:
    classic_per_day: int
    classic_credits: int
    ai_credits: int
    ai_trial: bool
    timezone: ZoneInfo
    ttl: timedelta
    trial_mark_keys: tuple[bytes, ...] = ()  # none: no trial outlives an erasure (charges/trial_marks.py)

    @classmethod
    def from_settings(cls, settings: PaymentsSettings) -> ChargePolicy:
        return cls(
            classic_per_day=settings.kisscam_classic_per_day,
            classic_credits=settings.kisscam_classic_credits,
            ai_credits=settings.kisscam_ai_credits,
            ai_trial=settings.kisscam_ai_trial,
            timezone=ZoneInfo(settings.allowance_timezone),
            ttl=timedelta(seconds=settings.credit_hold_ttl_seconds),
            trial_mark_keys=mark_keys(settings.encryption_keys),
        )

    def credits_for(self, kind: ChargeKind) -> int:
        return self.classic_credits if kind == "kisscam.classic" else self.ai_credits

    def day_window(self, at: datetime) -> str:
        """The daily allowance's window: the calendar day at ``at`` in the operator's time zone."""
        return f"day:{at.astimezone(self.timezone).date().isoformat()}"


def period_window(subscription_id: int, active_from: datetime, at: datetime) -> str:
    """The subscription allowance's window: the 30-day slice of the period that covers ``at``."""
    return f"sub:{subscription_id}:{(at - active_from) // ALLOWANCE_PERIOD}"
