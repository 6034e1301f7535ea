"""``storycam-story``: ``serve`` (default) or ``migrate``."""

from __future__ import annotations

from storycam.kit.cli import run_service_cli
from storycam.kit.logging import get_logger
from storycam.kit.settings import ServiceSettings
from storycam.story.app import DEFINITION
from storycam.story.settings import StorySettings

log = get_logger(__name__)


def announce(settings: ServiceSettings) -> None:
    """Say at start-up which features run on their local fallback."""
    assert isinstance(settings, StorySettings)
    if settings.openai_api_key is None:
        log.warning("llm.disabled", reason="OPENAI_API_KEY is not set", fallback="local fuzzy matcher for free text")


def main() -> None:
    run_service_cli(DEFINITION, StorySettings, announce)
