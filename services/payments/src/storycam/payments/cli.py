"""``storycam-payments``: ``serve`` (default), ``migrate``, and the operator's commands (``commands``)."""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

from storycam.kit.cli import run_service_cli
from storycam.kit.logging import get_logger
from storycam.kit.settings import ServiceSettings
from storycam.payments.app import DEFINITION
from storycam.payments.catalogue.loader import CatalogueError, load_catalogue
from storycam.payments.commands import COMMANDS_OF_PAYMENTS
from storycam.payments.settings import PaymentsSettings

log = get_logger(__name__)


def trust_only_our_proxies(settings: PaymentsSettings, environ: MutableMapping[str, str]) -> None:
    """Make uvicorn believe ``X-Forwarded-For`` from ``TRUSTED_PROXIES`` only, whatever ``FORWARDED_ALLOW_IPS`` says.

    With ``FORWARDED_ALLOW_IPS=*`` uvicorn takes the *leftmost* address of the header as the client: the one the
    client wrote itself. Anyone could then claim to be YooKassa's network. Given our proxies instead, uvicorn walks
    the header from the right and stops at the first address that is not ours, as ``senders.peer_address`` does."""
    ours = ",".join(str(network) for network in settings.trusted_proxies)
    given = environ.get("FORWARDED_ALLOW_IPS")
    if given is not None and given != ours:
        log.warning("payments.forwarded_allow_ips_replaced", given=given, now=ours or "(none)")
    environ["FORWARDED_ALLOW_IPS"] = ours


def announce(settings: ServiceSettings) -> None:
    """Say at start-up what is for sale and which ways to pay are left out for want of credentials."""
    assert isinstance(settings, PaymentsSettings)
    trust_only_our_proxies(settings, os.environ)
    try:
        catalogue = load_catalogue(settings.payments_catalogue_path)
    except CatalogueError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    for provider in sorted(settings.payment_providers - settings.enabled_providers):
        missing = ", ".join(name.upper() for name in settings.missing_credentials(provider))
        log.warning("payments.provider_disabled", provider=provider.value, reason=f"{missing} not set")
    log.info(
        "payments.catalogue",
        products=[product.id for product in catalogue.for_sale(settings.enabled_providers)],
        providers=sorted(provider.value for provider in settings.enabled_providers),
        source=str(settings.payments_catalogue_path or "default"),
    )


def main() -> None:
    run_service_cli(DEFINITION, PaymentsSettings, announce, commands=COMMANDS_OF_PAYMENTS)
