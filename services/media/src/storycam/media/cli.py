"""``storycam-media``: ``serve`` (default) or ``migrate``."""

from __future__ import annotations

from storycam.kit.cli import run_service_cli
from storycam.kit.logging import get_logger
from storycam.kit.settings import ServiceSettings
from storycam.media.app import DEFINITION
from storycam.media.settings import MediaSettings

log = get_logger(__name__)


def announce(settings: ServiceSettings) -> None:
    """Say at start-up which features run on their local fallback."""
    assert isinstance(settings, MediaSettings)
    if settings.xai_api_key is None:
        log.warning(
            "xai.disabled",
            reason="XAI_API_KEY is not set",
            fallback="the local stadium kiss-cam renderer only",
        )


def main() -> None:
    run_service_cli(DEFINITION, MediaSettings, announce)
