"""What ``make dev`` runs: the services, their ports and the environment they share."""

from __future__ import annotations

from dataclasses import dataclass


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
