"""``storycam-payments``: ``serve`` (default) or ``migrate``."""

from __future__ import annotations

from storycam.kit.cli import run_service_cli
from storycam.kit.logging import get_logger
from storycam.kit.settings import ServiceSettings
from storycam.payments.app import DEFINITION
from storycam.payments.settings import PaymentsSettings

log = get_logger(__name__)


def announce(settings: ServiceSettings) -> None:
    """Say at start-up which features run on their local fallback."""
    assert isinstance(settings, PaymentsSettings)
    if settings.yookassa_secret_key is None or not settings.yookassa_shop_id:
        log.warning(
            "yookassa.disabled",
            reason="YOOKASSA_SHOP_ID / YOOKASSA_SECRET_KEY not set",
            fallback="Telegram Stars only",
        )


def main() -> None:
    run_service_cli(DEFINITION, PaymentsSettings, announce)
