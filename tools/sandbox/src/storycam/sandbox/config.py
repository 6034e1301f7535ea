"""How the emulator behaves: Telegram's limits by default, shorter waits for tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from storycam.sandbox.telegram.flood import FloodLimits
from storycam.sandbox.telegram.webhook import RetryPolicy

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class SandboxConfig:
    flood: FloodLimits = field(default_factory=FloodLimits)
    webhook_retry: RetryPolicy = field(default_factory=RetryPolicy)
    pre_checkout_timeout: float = 10.0  # Telegram's deadline for answerPreCheckoutQuery
    max_download_bytes: int = 20 * MEGABYTE  # getFile refuses bigger files
    max_upload_bytes: int = 50 * MEGABYTE  # a bot may upload up to this
    bot_first_name: str = "Storycam"
    bot_username: str = "storycam_bot"
    # What must outlive a restart (each bot's last update id); None: nothing is kept, ids start at 1.
    state_dir: Path | None = None
