"""The periodic jobs every payments replica runs: the sweeper and the subscription lifecycle."""

from __future__ import annotations

from datetime import timedelta

from storycam.kit.state import ServiceState
from storycam.payments.catalogue.models import Catalogue, ProductKind
from storycam.payments.charges.sweeper import sweep
from storycam.payments.lifecycle.service import LifecycleRules, check_subscriptions
from storycam.payments.periodic import PeriodicJob
from storycam.payments.settings import PaymentsSettings


def lifecycle_rules(settings: PaymentsSettings, catalogue: Catalogue) -> LifecycleRules:
    # What a reminder's renewal button buys when the last period was support's grant; "" in a catalogue that sells
    # no subscription (the gateway shows no button then).
    subscription = next((p.id for p in catalogue.products if p.kind is ProductKind.SUBSCRIPTION), "")
    return LifecycleRules(
        renewal_grace=timedelta(seconds=settings.subscription_renewal_grace_seconds),
        lookback=timedelta(hours=settings.subscription_expiry_lookback_hours),
        fallback_product_id=subscription,
    )


def periodic_jobs(state: ServiceState, settings: PaymentsSettings, catalogue: Catalogue) -> list[PeriodicJob]:
    """The jobs switched on (an interval of 0 switches one off)."""
    rules = lifecycle_rules(settings, catalogue)
    jobs = [
        PeriodicJob("charge-sweeper", settings.charge_sweep_interval_seconds, lambda: sweep(state.db, state.outbox)),
        PeriodicJob(
            "subscription-lifecycle",
            settings.subscription_check_interval_seconds,
            lambda: check_subscriptions(state.db, state.outbox, rules),
        ),
    ]
    return [job for job in jobs if job.every_seconds > 0]
