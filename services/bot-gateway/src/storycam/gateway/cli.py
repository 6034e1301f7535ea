"""``storycam-gateway``: ``serve`` (default) or ``migrate``."""

from __future__ import annotations

from storycam.gateway.app import DEFINITION
from storycam.gateway.registration import COMMANDS_OF_GATEWAY
from storycam.gateway.settings import GatewaySettings
from storycam.kit.cli import run_service_cli
from storycam.kit.logging import get_logger
from storycam.kit.settings import ServiceSettings

log = get_logger(__name__)


def announce(settings: ServiceSettings) -> None:
    """Say at start-up which features run on their local fallback."""
    assert isinstance(settings, GatewaySettings)
    if settings.telegram_bot_token is None:
        log.warning("telegram.no_token", fallback="the sandbox Telegram emulator", api_base=settings.telegram_api_base)


def main() -> None:
    run_service_cli(DEFINITION, GatewaySettings, announce, commands=COMMANDS_OF_GATEWAY)
