"""``storycam-media``: ``serve`` (default), ``migrate`` or ``worker`` (Kiss Cam job workers alone)."""

from __future__ import annotations

from storycam.kit.cli import Command, run_service_cli
from storycam.kit.logging import get_logger
from storycam.kit.settings import ServiceSettings
from storycam.media.app import DEFINITION
from storycam.media.jobs.command import run_workers
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
    commands = {"worker": Command("run Kiss Cam job workers (KISSCAM_WORKERS of them, at least one)", run_workers)}
    run_service_cli(DEFINITION, MediaSettings, announce, commands=commands)
