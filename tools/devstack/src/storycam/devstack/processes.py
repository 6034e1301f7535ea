"""What ``make dev`` runs: the services, their ports and the environment they share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ServiceProcess:
    name: str
    command: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


SERVICES = (
    ServiceProcess("gateway", "storycam-gateway", 8000),
    ServiceProcess("story", "storycam-story", 8001),
    ServiceProcess("media", "storycam-media", 8002),
    ServiceProcess("payments", "storycam-payments", 8003),
)


def service_environment(services: tuple[ServiceProcess, ...], database_url: str, redis_url: str) -> dict[str, str]:
    """The variables every service gets in development; the caller's environment and ``.env`` override them."""
    by_name = {s.name: s for s in services}
    return {
        "STORYCAM_ENV": "development",
        "LOG_FORMAT": "console",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "STORY_URL": by_name["story"].url,
        "MEDIA_URL": by_name["media"].url,
        "PAYMENTS_URL": by_name["payments"].url,
    }


# The sandbox's Telegram takes any token of Telegram's shape; this one is the gateway's default without a token.
SANDBOX_PORT_OFFSET = 80  # 8000 + 80: the web chat at http://127.0.0.1:8080


def telegram_environment(overrides: dict[str, str], gateway: ServiceProcess, sandbox_port: int) -> dict[str, str]:
    """Without a bot token the gateway talks to the sandbox and takes its updates on the webhook, as in production."""
    if overrides.get("TELEGRAM_BOT_TOKEN"):
        return {}
    return {"TELEGRAM_API_BASE": f"http://127.0.0.1:{sandbox_port}", "PUBLIC_BASE_URL": gateway.url}


def story_watch(overrides: Mapping[str, str]) -> Path | None:
    """The story folder of the author's loop (``STORY_WATCH_DIR``): re-imported whenever a file in it changes."""
    given = overrides.get("STORY_WATCH_DIR")
    if not given:
        return None
    path = Path(given).expanduser().resolve()
    if not path.exists():
        raise SystemExit(f"STORY_WATCH_DIR={given}: there is no such folder or file")
    return path
